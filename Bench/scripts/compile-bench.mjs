// compile-bench.mjs: times V8 compiling a whole module eagerly, in this process.
//
//   node --liftoff-only --no-wasm-lazy-compilation --single-threaded compile-bench.mjs FILE [RUNS]
//   node --no-liftoff   --no-wasm-lazy-compilation --single-threaded compile-bench.mjs FILE [RUNS]
//
// The node flags choose the tier; --no-wasm-lazy-compilation is required (otherwise
// `new WebAssembly.Module` only validates) and --single-threaded makes it a one-core figure.
// Each run compiles a fresh copy of the bytes with a custom section holding the run number
// appended, so V8's module cache (keyed by the wire bytes) never serves a compiled module.
// One warm-up run is not counted. Each compile is timed in wall-clock time and in this
// process's CPU time (with --single-threaded, V8 compiles on this thread alone; CPU time
// is the steadier figure on a loaded machine). Prints one JSON line:
//   {"file", "codeBytes", "moduleBytes", "runs", "wallMs": [...], "cpuMs": [...],
//    "medianWallMs", "medianCpuMs", "codeMBpsWall", "codeMBpsCpu"}
// where codeMBps* = code section bytes / 1e6 / the median in seconds.
import fs from 'node:fs';
import { codeSectionSize } from './wasm-sections.mjs';

const file = process.argv[2];
const runs = Number(process.argv[3] ?? 7);
const bytes = fs.readFileSync(file);
const codeBytes = codeSectionSize(bytes);

function withNonce(i) {
  const name = Buffer.from('bench-nonce');
  const payload = Buffer.concat([Buffer.from([name.length]), name, Buffer.from(String(i).padStart(8, '0'))]);
  return Buffer.concat([bytes, Buffer.from([0, payload.length]), payload]); // payload < 128 bytes: 1-byte LEB
}

const wallMs = [], cpuMs = [];
for (let i = 0; i <= runs; i++) {
  const copy = withNonce(i);
  const c0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const m = new WebAssembly.Module(copy);
  const t1 = process.hrtime.bigint();
  const c = process.cpuUsage(c0);
  if (!(m instanceof WebAssembly.Module)) throw new Error('no module');
  if (i > 0) {
    wallMs.push(+(Number(t1 - t0) / 1e6).toFixed(2));
    cpuMs.push(+((c.user + c.system) / 1000).toFixed(2));
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const medianWallMs = median(wallMs), medianCpuMs = median(cpuMs);
const mbps = (ms) => +(codeBytes / 1e6 / (ms / 1000)).toFixed(2);
console.log(JSON.stringify({
  file, codeBytes, moduleBytes: bytes.length, runs, wallMs, cpuMs, medianWallMs, medianCpuMs,
  codeMBpsWall: mbps(medianWallMs), codeMBpsCpu: mbps(medianCpuMs),
}));
