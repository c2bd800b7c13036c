// compare.mjs: whole-program comparison of wasm engines and native code on the benchmark
// corpus (Bench/programs), plus compile throughput on big.wasm. Run it through compare.sh,
// which builds the native executables first when they are missing.
//
//   Bench/scripts/compare.sh [--runs N] [--scale P] [--only a,b,...] [--hoist "CMD"]
//                            [--metric cpu|wall] [--compile-runs N] [--no-compile]
//                            [--json FILE] [--record]
//
// Engines (columns):
//   native      Bench/programs/native/NAME, clang -O2 for x86-64
//   liftoff     node --liftoff-only  (V8's baseline compiler alone)
//   turbofan    node --no-liftoff    (V8's optimizing compiler alone)
//   hoist-base  HOIST run --strategy baseline FILE     } only when a working hoist command
//   hoist-opt   HOIST run --strategy optimizing FILE   } is found (see below)
// Both V8 columns add --no-wasm-lazy-compilation (the whole module is compiled before it
// runs, as Hoist does) and --single-threaded (one core, no background compilation).
//
// THE HOIST HOOK: the Hoist columns appear by themselves once `hoist run` works. The command
// is taken from --hoist "CMD", else the HOIST environment variable, else the built CLI
// <repo>/Engine.Cli/bin/Release/net10.0/hoist. It is probed by running the WASI corpus's
// hello.wasm; if that does not print "Hello, world!" the script says
// "hoist not built: skipping Hoist columns" and goes on without them.
//
// Method (the machines are shared and noisy): every measurement is one whole process
// (start-up, compilation and run; the "hello" row shows the start-up part), timed both as
// CPU time (user + sys of the process and its threads, from bash's `times`) and as wall-clock
// time. The table uses --metric (default cpu: on a loaded machine a process's CPU time varies
// far less than its wall time, which includes waiting for a core). N runs per (program,
// engine), interleaved: each round runs every program on every engine back to back, the
// engine order rotating from round to round. The first table shows medians; the ratio table
// shows, per engine, the median over rounds of its time divided by TurboFan's (and native's)
// in the same round (pairs measured seconds apart share the machine's load), with geometric
// means over the benchmark programs. Every run's stdout must equal the recorded expected output
// (Bench/programs/expected.json, at scale 100) and the other engines' output; any
// difference, crash or non-zero exit is reported loudly and makes the script exit 1.
//
// Compile throughput: big.wasm (>= 1 MB of code) compiled eagerly on Liftoff and TurboFan
// (compile-bench.mjs, median of --compile-runs), in MB of code section per second; for Hoist,
// `HOIST compile` of big.wasm minus that of hello.wasm (process start-up cancels out).
//
// Results are also written as JSON (default: <repo>/artifacts/bench/compare.json).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeSectionSize } from './wasm-sections.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const programsDir = path.join(repo, 'Bench/programs');
const nodeRunner = path.join(repo, 'corpus/wasi/node-wasi-run.mjs');
const helloWasm = path.join(repo, 'corpus/wasi/wasm/hello.wasm');
const bigWasm = path.join(programsDir, 'big.wasm');

// --- options --------------------------------------------------------------------------
const opt = {
  runs: 5, scale: 100, only: null, metric: 'cpu', hoist: process.env.HOIST ?? null, compileRuns: 7,
  compile: true, json: path.join(repo, 'artifacts/bench/compare.json'), record: false,
};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i], v = () => process.argv[++i];
  if (a === '--runs') opt.runs = Number(v());
  else if (a === '--scale') opt.scale = Number(v());
  else if (a === '--only') opt.only = v().split(',');
  else if (a === '--hoist') opt.hoist = v();
  else if (a === '--metric') opt.metric = v();
  else if (a === '--compile-runs') opt.compileRuns = Number(v());
  else if (a === '--no-compile') opt.compile = false;
  else if (a === '--json') opt.json = path.resolve(v());
  else if (a === '--record') opt.record = true;
  else { console.error(`unknown argument ${a}; see the comment at the top of ${path.basename(fileURLToPath(import.meta.url))}`); process.exit(2); }
}
if (!(opt.runs >= 1) || !(opt.scale >= 1)) { console.error('--runs and --scale must be positive'); process.exit(2); }
if (!['cpu', 'wall'].includes(opt.metric)) { console.error('--metric is cpu or wall'); process.exit(2); }

// --- engines --------------------------------------------------------------------------
const v8Flags = ['--no-warnings', '--no-wasm-lazy-compilation', '--single-threaded'];
const engines = [
  { id: 'native', label: 'native', cmd: (p, args) => [path.join(programsDir, 'native', p.name), ...args] },
  { id: 'liftoff', label: 'V8 Liftoff', cmd: (p, args) => [process.execPath, '--liftoff-only', ...v8Flags, nodeRunner, p.wasm, ...args] },
  { id: 'turbofan', label: 'V8 TurboFan', cmd: (p, args) => [process.execPath, '--no-liftoff', ...v8Flags, nodeRunner, p.wasm, ...args] },
];

const hoistCmd = findHoist();
if (hoistCmd) {
  for (const [id, strategy] of [['hoist-base', 'baseline'], ['hoist-opt', 'optimizing']]) {
    engines.push({ id, label: `Hoist ${strategy}`, cmd: (p, args) => [...hoistCmd, 'run', '--strategy', strategy, p.wasm, ...args] });
  }
  console.log(`hoist: ${hoistCmd.join(' ')}`);
} else {
  console.log('hoist not built: skipping Hoist columns');
}

function findHoist() {
  const cands = opt.hoist ? [opt.hoist] : [path.join(repo, 'Engine.Cli/bin/Release/net10.0/hoist')];
  for (const c of cands) {
    const cmd = c.split(/\s+/).filter(Boolean);
    const r = spawnSync(cmd[0], [...cmd.slice(1), 'run', '--strategy', 'baseline', helloWasm], { encoding: 'utf8', timeout: 60000 });
    if (!r.error && r.status === 0 && r.stdout === 'Hello, world!\n') return cmd;
    if (opt.hoist) console.log(`hoist probe failed: ${cmd.join(' ')} run ... hello.wasm -> ${r.error?.message ?? `exit ${r.status}, stdout ${JSON.stringify(r.stdout?.slice(0, 80))}, stderr ${JSON.stringify(r.stderr?.slice(0, 200))}`}`);
  }
  return null;
}

// --- programs -------------------------------------------------------------------------
const expectedFile = path.join(programsDir, 'expected.json');
const expected = fs.existsSync(expectedFile) ? JSON.parse(fs.readFileSync(expectedFile, 'utf8')) : {};
let programs = fs.readdirSync(programsDir).filter((f) => f.endsWith('.c') && f !== 'big.c').map((f) => f.slice(0, -2)).sort();
if (opt.only) programs = programs.filter((p) => opt.only.includes(p));
const rows = [
  // start-up only: not part of the geometric means, no native executable
  { name: 'hello', wasm: helloWasm, startup: true, args: [] },
  ...programs.map((name) => ({ name, wasm: path.join(programsDir, `${name}.wasm`), args: opt.scale === 100 ? [] : [String(opt.scale)] })),
];
for (const r of rows) {
  r.samples = { cpu: {}, wall: {} }; r.outputs = {}; r.failures = [];
  r.expected = r.startup ? 'Hello, world!\n' : opt.scale === 100 ? expected[r.name] : undefined;
}
const failures = [];

// bash runs the command and reports its children's CPU time (`times`, second line) on fd 3.
const TIMED = '"$@"; rc=$?; times >&3; exit $rc';
const parseTimes = (s) => {
  const m = /(\d+)m([\d.]+)s (\d+)m([\d.]+)s\s*$/.exec(s ?? '');
  return m ? +m[1] * 60 + +m[2] + +m[3] * 60 + +m[4] : NaN;
};

/** Runs argv to completion: the spawnSync result and its wall-clock and CPU seconds. */
function timedSpawn(argv) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('bash', ['-c', TIMED, 'bash', ...argv],
    { encoding: 'utf8', timeout: 300000, maxBuffer: 1 << 24, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  return { r, wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: parseTimes(r.output?.[3]) };
}

/** Runs one (program, engine) pair; records its times under round `round` (null when it failed). */
function runOnce(row, engine, round) {
  if (row.startup && engine.id === 'native') return;
  for (const m of ['cpu', 'wall']) (row.samples[m][engine.id] ??= Array(opt.runs).fill(null));
  const { r, wall, cpu } = timedSpawn(engine.cmd(row, row.args));
  const fail = (why) => {
    const msg = `${row.name} on ${engine.label}: ${why}`;
    if (!row.failures.includes(msg)) { row.failures.push(msg); failures.push(msg); console.log(`\n!!! MISMATCH/FAILURE: ${msg}`); }
  };
  if (r.error) return fail(`could not run (${r.error.message})`);
  if (r.status !== 0) return fail(`exit ${r.status ?? r.signal}; stderr: ${(r.stderr ?? '').trim().slice(0, 300)}`);
  if (row.expected !== undefined && r.stdout !== row.expected) {
    return fail(`output differs from expected.json:\n  got      ${JSON.stringify(r.stdout)}\n  expected ${JSON.stringify(row.expected)}`);
  }
  const other = Object.entries(row.outputs).find(([, out]) => out !== r.stdout);
  if (other) return fail(`output differs from ${other[0]}'s:\n  got  ${JSON.stringify(r.stdout)}\n  ${other[0]} ${JSON.stringify(other[1])}`);
  row.outputs[engine.id] = r.stdout;
  row.samples.wall[engine.id][round] = wall;
  row.samples.cpu[engine.id][round] = cpu;
}

// --- run: rounds, interleaved ---------------------------------------------------------
console.log(`${rows.length - 1} programs + hello, ${engines.length} engines, ${opt.runs} runs each, scale ${opt.scale}% (${os.cpus().length} cpus, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
const started = Date.now();
for (let round = 0; round < opt.runs; round++) {
  process.stdout.write(`round ${round + 1}/${opt.runs}:`);
  for (const row of rows) {
    for (let k = 0; k < engines.length; k++) runOnce(row, engines[(k + round) % engines.length], round);
    process.stdout.write(` ${row.name}`);
  }
  process.stdout.write('\n');
}

// big.wasm: a correctness check of a large module on every wasm engine (not timed)
const bigRow = { name: 'big', wasm: bigWasm, args: [], samples: { cpu: {}, wall: {} }, outputs: {}, failures: [], expected: expected.big };
if (!opt.only) for (const e of engines) if (e.id !== 'native') runOnce(bigRow, e, 0);

if (opt.record) {
  if (failures.length) { console.log('not recording: engines disagree'); process.exit(1); }
  const rec = { $comment: 'stdout of every benchmark at scale 100 (native, V8 Liftoff and TurboFan agreed); written by compare.sh --record' };
  for (const r of rows) if (!r.startup) rec[r.name] = r.outputs.native;
  rec.big = bigRow.outputs.turbofan;
  fs.writeFileSync(expectedFile, JSON.stringify(rec, null, 2) + '\n');
  console.log(`recorded ${expectedFile}`);
}

// --- table ----------------------------------------------------------------------------
const median = (xs) => {
  const s = (xs ?? []).filter(Number.isFinite).sort((a, b) => a - b), m = s.length >> 1;
  if (!s.length) return NaN;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const geomean = (xs) => (xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN);
const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');

for (const r of rows) {
  r.median = {};
  for (const m of ['cpu', 'wall']) r.median[m] = Object.fromEntries(engines.map((e) => [e.id, median(r.samples[m][e.id])]));
}
const bench = rows.filter((r) => !r.startup);
/** Median over rounds of engine e's time over base's time in the same round. */
const ratio = (r, e, base) => {
  const a = r.samples[opt.metric][e] ?? [], b = r.samples[opt.metric][base] ?? [];
  return median(a.map((x, i) => (x !== null && b[i] ? x / b[i] : NaN)));
};

const nameW = Math.max(12, ...rows.map((r) => r.name.length + 1));
const col = Math.max(11, ...engines.map((e) => e.label.length), ...engines.map((e) => e.id.length + 4));
const line = (cells) => cells.map((c, i) => (i === 0 ? c.padEnd(nameW) : c.padStart(col))).join(' ');

console.log(`\nMedian ${opt.metric === 'cpu' ? 'CPU (user+sys)' : 'wall-clock'} seconds per whole process, ${opt.runs} interleaved runs`);
console.log(line(['program', ...engines.map((e) => e.label)]));
for (const r of rows) console.log(line([r.name, ...engines.map((e) => fmt(r.median[opt.metric][e.id]))]));

const ratioCols = [];
for (const e of engines) {
  if (e.id !== 'turbofan') ratioCols.push({ head: `${e.id}/TF`, f: (r) => ratio(r, e.id, 'turbofan') });
  if (e.id !== 'native') ratioCols.push({ head: `${e.id}/nat`, f: (r) => ratio(r, e.id, 'native') });
}
console.log('\nRatios, median over rounds of same-round ratios (lower is faster; TF = V8 TurboFan, nat = native)');
console.log(line(['program', ...ratioCols.map((c) => c.head)]));
for (const r of bench) console.log(line([r.name, ...ratioCols.map((c) => fmt(c.f(r), 2))]));
const geo = ratioCols.map((c) => geomean(bench.map(c.f).filter(Number.isFinite)));
console.log(line(['geomean', ...geo.map((g) => fmt(g, 2))]));

// --- compile throughput ---------------------------------------------------------------
const compile = {};
if (opt.compile && !opt.only) {
  const code = codeSectionSize(fs.readFileSync(bigWasm));
  console.log(`\nCompile throughput on big.wasm (${(code / 1e6).toFixed(2)} MB code section; MB = 1e6 bytes of code section), ${opt.metric} time, median of ${opt.compileRuns}, one core`);
  for (const [id, tier] of [['liftoff', '--liftoff-only'], ['turbofan', '--no-liftoff']]) {
    const r = spawnSync(process.execPath, [tier, ...v8Flags, path.join(here, 'compile-bench.mjs'), bigWasm, String(opt.compileRuns)], { encoding: 'utf8' });
    if (r.status !== 0) { failures.push(`compile-bench on ${id}: ${r.stderr}`); continue; }
    const c = compile[id] = JSON.parse(r.stdout);
    const ms = opt.metric === 'cpu' ? c.medianCpuMs : c.medianWallMs;
    console.log(`  ${engines.find((e) => e.id === id).label.padEnd(18)} ${fmt(ms, 1).padStart(9)} ms  ${fmt(code / 1e6 / (ms / 1000), 1).padStart(7)} MB/s`);
  }
  if (hoistCmd) {
    const out = path.join(os.tmpdir(), `hoist-compile-${process.pid}.bin`);
    for (const strategy of ['baseline', 'optimizing']) {
      const time = (file) => {
        const t = timedSpawn([...hoistCmd, 'compile', '--strategy', strategy, file, '-o', out]);
        if (t.r.status !== 0) throw new Error(`hoist compile ${strategy} ${path.basename(file)}: exit ${t.r.status}: ${t.r.stderr}`);
        return t[opt.metric] * 1000;
      };
      try {
        const big = [], small = [];
        for (let i = 0; i < opt.compileRuns; i++) { small.push(time(helloWasm)); big.push(time(bigWasm)); }
        const ms = median(big) - median(small);
        compile[`hoist-${strategy === 'baseline' ? 'base' : 'opt'}`] = { medianMs: +ms.toFixed(2), codeMBps: +(code / 1e6 / (ms / 1000)).toFixed(2), samplesMs: big, startupSamplesMs: small };
        console.log(`  ${`Hoist ${strategy}`.padEnd(18)} ${fmt(ms, 1).padStart(9)} ms  ${fmt(code / 1e6 / (ms / 1000), 1).padStart(7)} MB/s  (hoist compile, minus hello.wasm)`);
      } catch (e) {
        console.log(`  Hoist ${strategy}: ${e.message.split('\n')[0]}`);
      }
    }
    fs.rmSync(out, { force: true });
  }
}

// --- JSON -----------------------------------------------------------------------------
fs.mkdirSync(path.dirname(opt.json), { recursive: true });
fs.writeFileSync(opt.json, JSON.stringify({
  date: new Date().toISOString(), host: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  options: { runs: opt.runs, scale: opt.scale, metric: opt.metric }, load: os.loadavg(), seconds: Math.round((Date.now() - started) / 1000),
  engines: engines.map((e) => ({ id: e.id, label: e.label, command: e.cmd({ name: 'NAME', wasm: 'FILE' }, []).join(' ') })),
  programs: rows.map((r) => ({ name: r.name, startup: !!r.startup, samples: r.samples, median: r.median, failures: r.failures })),
  ratios: Object.fromEntries(ratioCols.map((c, i) => [c.head, { perProgram: Object.fromEntries(bench.map((r) => [r.name, c.f(r)])), geomean: geo[i] }])),
  compile, failures,
}, null, 2) + '\n');
console.log(`\nJSON: ${opt.json}`);

if (failures.length) {
  console.log(`\n${failures.length} FAILURE(S):`);
  for (const f of failures) console.log(`  - ${f.split('\n')[0]}`);
  process.exit(1);
}
