// compile-bench.mjs: times V8 compiling a whole module eagerly, in this process.
//
//   node --liftoff-only --no-wasm-lazy-compilation --single-threaded compile-bench.mjs FILE [RUNS]
//   node --no-liftoff   --no-wasm-lazy-compilation --single-threaded compile-bench.mjs FILE [RUNS]
//
// The node flags choose the tier; --no-wasm-lazy-compilation is required (otherwise
// `new WebAssembly.Module` only validates) and --single-threaded makes it a one-core figure.
// Each run compiles a fresh copy of the bytes with a custom section holding the run number
// appended, so V8's module cache (keyed by the wire bytes) never serves a compiled module.
// One warm-up run is not counted. Prints one JSON line:
//   {"file", "codeBytes", "moduleBytes", "runs", "samplesMs": [...], "medianMs", "codeMBps"}
// where codeMBps = code section bytes / 1e6 / median seconds.
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

const samples = [];
for (let i = 0; i <= runs; i++) {
  const copy = withNonce(i);
  const t0 = process.hrtime.bigint();
  const m = new WebAssembly.Module(copy);
  const t1 = process.hrtime.bigint();
  if (!(m instanceof WebAssembly.Module)) throw new Error('no module');
  if (i > 0) samples.push(Number(t1 - t0) / 1e6);
}
const sorted = [...samples].sort((a, b) => a - b);
const medianMs = sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
console.log(JSON.stringify({
  file, codeBytes, moduleBytes: bytes.length, runs, samplesMs: samples.map((s) => +s.toFixed(2)),
  medianMs: +medianMs.toFixed(2), codeMBps: +(codeBytes / 1e6 / (medianMs / 1000)).toFixed(2),
}));
