// compare.mjs: whole-program comparison of Hoist's two tiers, V8's two tiers and native code on
// the benchmark corpus (Bench/programs), plus the compile time of big.wasm (>= 1 MB of code) on
// every tier. Run it through compare.sh, which installs and builds what it needs first.
//
//   Bench/scripts/compare.sh [--runs N] [--scale P] [--only a,b,...] [--metric cpu|wall]
//                            [--hoist "CMD"] [--bench "CMD"] [--compile-runs N] [--no-compile]
//                            [--json FILE] [--results FILE] [--record]
//
// Engines (columns):
//   native            Bench/programs/native/NAME, clang -O2 for x86-64
//   V8 Liftoff        node --liftoff-only  (V8's baseline compiler alone)
//   V8 TurboFan       node --no-liftoff    (V8's optimizing compiler alone)
//   Hoist baseline    HOIST run --strategy baseline FILE
//   Hoist optimizing  HOIST run --strategy optimizing FILE
// Both V8 columns add --no-wasm-lazy-compilation (the whole module is compiled before it runs,
// as Hoist does) and --single-threaded (one core, no background compilation). HOIST is --hoist
// "CMD", else $HOIST, else the self-contained composite ReadyToRun build compare.sh publishes (artifacts/bench/hoist/hoist),
// else Engine.Cli/bin/Release/net10.0/hoist. Each Hoist tier is probed on the WASI corpus's
// hello.wasm: a tier the runtime does not implement yet (it says NotSupportedException) is shown
// as "n/a" in every table, with the reason below them; any other probe failure is a failure.
//
// Method (the machines are shared and noisy): every measurement is one whole process (start-up,
// compilation and run), timed both as CPU time (user + sys of the process and its threads, from
// bash's `times`) and as wall-clock time. The tables use --metric (default cpu: on a loaded
// machine a process's CPU time varies far less than its wall time, which includes waiting for a
// core). N runs per (program, engine), interleaved: each round runs every program on every engine
// back to back, the engine order rotating from round to round. The first table shows medians; the
// ratio tables show, per engine, the median over rounds of its time divided by TurboFan's (or
// native's) in the same round (pairs measured seconds apart share the machine's load), with
// geometric means over the benchmark programs. Two start-up rows are timed too but are not in the
// means: hello (start-up alone) and big (start-up plus compiling and instantiating big.wasm; its
// main calls each of its 3000 functions once). Every run's stdout must equal the recorded output
// (Bench/programs/expected.json, at scale 100) and the other engines'; any difference, crash or
// non-zero exit is reported loudly and makes the script exit 1.
//
// Compile time of big.wasm, two figures per tier, both in MB of code section per second:
//  - in-process, eager, one compile thread, CPU time: V8 through compile-bench.mjs (new
//    WebAssembly.Module on fresh copies), Hoist through `Bench compile --hoist-only` (new Module
//    in a warmed-up process: the steady state of a long-lived engine; --bench "CMD" overrides
//    `dotnet Bench/bin/Release/net10.0/Bench.dll`);
//  - cold process: the median of the big row minus that of the hello row, per engine (process
//    start-up cancels out; what remains is compiling big.wasm in a fresh process, instantiating it
//    and its short main; Hoist compiles on every core here, V8 on one).
//
// Results are written as JSON (default: <repo>/artifacts/bench/compare.json) and, with
// --results FILE, as Markdown between the markers <!-- compare:begin --> and <!-- compare:end -->
// of FILE (created if missing; text outside the markers is kept): Bench/RESULTS.md.
import { spawnSync, execSync } from 'node:child_process';
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
  runs: 5, scale: 100, only: null, metric: 'cpu', hoist: process.env.HOIST ?? null, bench: null, compileRuns: 7,
  compile: true, json: path.join(repo, 'artifacts/bench/compare.json'), results: null, record: false,
};
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i], v = () => process.argv[++i];
  if (a === '--runs') opt.runs = Number(v());
  else if (a === '--scale') opt.scale = Number(v());
  else if (a === '--only') opt.only = v().split(',');
  else if (a === '--hoist') opt.hoist = v();
  else if (a === '--bench') opt.bench = v();
  else if (a === '--metric') opt.metric = v();
  else if (a === '--compile-runs') opt.compileRuns = Number(v());
  else if (a === '--no-compile') opt.compile = false;
  else if (a === '--json') opt.json = path.resolve(v());
  else if (a === '--results') opt.results = path.resolve(v());
  else if (a === '--record') opt.record = true;
  else { console.error(`unknown argument ${a}; see the comment at the top of ${path.basename(fileURLToPath(import.meta.url))}`); process.exit(2); }
}
if (!(opt.runs >= 1) || !(opt.scale >= 1) || !(opt.compileRuns >= 1)) { console.error('--runs, --scale and --compile-runs must be positive'); process.exit(2); }
if (!['cpu', 'wall'].includes(opt.metric)) { console.error('--metric is cpu or wall'); process.exit(2); }
const commandLine = ['Bench/scripts/compare.sh', ...process.argv.slice(2)].join(' ');
const failures = [];
const fail = (msg) => { failures.push(msg); console.log(`\n!!! FAILURE: ${msg}`); };

// --- engines --------------------------------------------------------------------------
const v8Flags = ['--no-warnings', '--no-wasm-lazy-compilation', '--single-threaded'];
const engines = [
  { id: 'native', label: 'native', cmd: (p, args) => [path.join(programsDir, 'native', p.name), ...args] },
  { id: 'liftoff', label: 'V8 Liftoff', cmd: (p, args) => [process.execPath, '--liftoff-only', ...v8Flags, nodeRunner, p.wasm, ...args] },
  { id: 'turbofan', label: 'V8 TurboFan', cmd: (p, args) => [process.execPath, '--no-liftoff', ...v8Flags, nodeRunner, p.wasm, ...args] },
];
const hoistCmd = findHoist();
for (const strategy of ['baseline', 'optimizing']) {
  const e = { id: `hoist-${strategy}`, label: `Hoist ${strategy}`, strategy, cmd: (p, args) => [...hoistCmd, 'run', '--strategy', strategy, p.wasm, ...args] };
  e.unavailable = probeHoist(e);
  engines.push(e);
}
const wasmEngines = engines.filter((e) => e.id !== 'native');
const available = (e) => !e.unavailable;

function findHoist() {
  const c = opt.hoist ?? [path.join(repo, 'artifacts/bench/hoist/hoist'), path.join(repo, 'Engine.Cli/bin/Release/net10.0/hoist')].find((f) => fs.existsSync(f));
  return c ? c.split(/\s+/).filter(Boolean) : null;
}

/** Null when the tier runs hello.wasm correctly; else why not (a failure unless the tier is unimplemented). */
function probeHoist(e) {
  if (!hoistCmd) return 'hoist not built (run compare.sh, or pass --hoist "CMD")';
  const r = spawnSync(hoistCmd[0], [...hoistCmd.slice(1), 'run', '--strategy', e.strategy, helloWasm], { encoding: 'utf8', timeout: 120000 });
  if (!r.error && r.status === 0 && r.stdout === 'Hello, world!\n') return null;
  const said = (r.error?.message ?? r.stderr ?? '').trim().split('\n')[0];
  if (/NotSupportedException|not implemented/.test(said)) return `not available: ${said.replace(/^hoist: internal error: /, '')}`;
  fail(`${e.label} cannot run hello.wasm: ${r.error ? r.error.message : `exit ${r.status}, stdout ${JSON.stringify(r.stdout.slice(0, 80))}, stderr ${JSON.stringify(said)}`}`);
  return `failed on hello.wasm: ${said}`;
}

// --- programs -------------------------------------------------------------------------
const expectedFile = path.join(programsDir, 'expected.json');
const expected = fs.existsSync(expectedFile) ? JSON.parse(fs.readFileSync(expectedFile, 'utf8')) : {};
let programs = fs.readdirSync(programsDir).filter((f) => f.endsWith('.c') && f !== 'big.c').map((f) => f.slice(0, -2)).sort();
if (opt.only) programs = programs.filter((p) => opt.only.includes(p));
const rows = [
  // start-up rows: not in the geometric means, no native executable
  { name: 'hello', wasm: helloWasm, startup: true, args: [], expected: 'Hello, world!\n' },
  ...(opt.only ? [] : [{ name: 'big', wasm: bigWasm, startup: true, args: [], expected: expected.big }]),
  ...programs.map((name) => ({
    name, wasm: path.join(programsDir, `${name}.wasm`), args: opt.scale === 100 ? [] : [String(opt.scale)],
    expected: opt.scale === 100 ? expected[name] : undefined,
  })),
];
for (const r of rows) { r.samples = { cpu: {}, wall: {} }; r.outputs = {}; r.failures = []; }
const bench = rows.filter((r) => !r.startup);

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
    { encoding: 'utf8', timeout: 600000, maxBuffer: 1 << 24, stdio: ['pipe', 'pipe', 'pipe', 'pipe'] });
  return { r, wall: Number(process.hrtime.bigint() - t0) / 1e9, cpu: parseTimes(r.output?.[3]) };
}

/** Runs one (program, engine) pair; records its times under round `round` (nothing when it failed). */
function runOnce(row, engine, round) {
  if ((row.startup && engine.id === 'native') || !available(engine)) return;
  for (const m of ['cpu', 'wall']) (row.samples[m][engine.id] ??= Array(opt.runs).fill(null));
  const { r, wall, cpu } = timedSpawn(engine.cmd(row, row.args));
  const failRow = (why) => {
    const msg = `${row.name} on ${engine.label}: ${why}`;
    if (!row.failures.includes(msg)) { row.failures.push(msg); fail(msg); }
  };
  if (r.error) return failRow(`could not run (${r.error.message})`);
  if (r.status !== 0) return failRow(`exit ${r.status ?? r.signal}; stderr: ${(r.stderr ?? '').trim().slice(0, 600)}`);
  if (row.expected !== undefined && r.stdout !== row.expected) {
    return failRow(`output differs from expected.json:\n  got      ${JSON.stringify(r.stdout)}\n  expected ${JSON.stringify(row.expected)}`);
  }
  const other = Object.entries(row.outputs).find(([, out]) => out !== r.stdout);
  if (other) return failRow(`output differs from ${other[0]}'s:\n  got  ${JSON.stringify(r.stdout)}\n  ${other[0]} ${JSON.stringify(other[1])}`);
  row.outputs[engine.id] = r.stdout;
  row.samples.wall[engine.id][round] = wall;
  row.samples.cpu[engine.id][round] = cpu;
}

// --- run: rounds, interleaved ---------------------------------------------------------
const loadBefore = os.loadavg();
console.log(`${bench.length} programs + ${rows.length - bench.length} start-up rows, ${engines.filter(available).length} engines, ${opt.runs} runs each, scale ${opt.scale}% (${os.cpus().length} cpus, load ${loadBefore.map((l) => l.toFixed(2)).join(' ')})`);
if (hoistCmd) console.log(`hoist: ${hoistCmd.join(' ')}`);
for (const e of engines) if (e.unavailable) console.log(`${e.label}: ${e.unavailable}`);
const started = Date.now();
for (let round = 0; round < opt.runs; round++) {
  process.stdout.write(`round ${round + 1}/${opt.runs}:`);
  for (const row of rows) {
    for (let k = 0; k < engines.length; k++) runOnce(row, engines[(k + round) % engines.length], round);
    process.stdout.write(` ${row.name}`);
  }
  process.stdout.write('\n');
}

if (opt.record) {
  if (failures.length) { console.log('not recording: engines disagree'); process.exit(1); }
  const rec = { $comment: 'stdout of every benchmark at scale 100 (native, V8 Liftoff and TurboFan agreed); written by compare.sh --record' };
  for (const r of bench) rec[r.name] = r.outputs.native;
  rec.big = rows.find((r) => r.name === 'big')?.outputs.turbofan;
  fs.writeFileSync(expectedFile, JSON.stringify(rec, null, 2) + '\n');
  console.log(`recorded ${expectedFile}`);
}

// --- statistics -----------------------------------------------------------------------
const median = (xs) => {
  const s = (xs ?? []).filter(Number.isFinite).sort((a, b) => a - b), m = s.length >> 1;
  if (!s.length) return NaN;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const geomean = (xs) => (xs.length ? Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length) : NaN);
const fmt = (x, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : '-');
const NA = 'n/a';

for (const r of rows) {
  r.median = {};
  for (const m of ['cpu', 'wall']) r.median[m] = Object.fromEntries(engines.map((e) => [e.id, median(r.samples[m][e.id])]));
}
/** Median over rounds of engine e's time over base's time in the same round. */
const ratio = (r, e, base) => {
  const a = r.samples[opt.metric][e] ?? [], b = r.samples[opt.metric][base] ?? [];
  return median(a.map((x, i) => (x !== null && b[i] ? x / b[i] : NaN)));
};

// --- tables (printed, and rendered as Markdown for --results) ---------------------------
const tables = [];
const cell = (e, x, d) => (available(e) ? fmt(x, d) : NA);
tables.push({
  title: `Median ${opt.metric === 'cpu' ? 'CPU (user+sys)' : 'wall-clock'} seconds per whole process, ${opt.runs} interleaved runs (start-up rows, not in the means: ${rows.filter((r) => r.startup).map((r) => r.name).join(', ')})`,
  head: ['program', ...engines.map((e) => e.label)],
  rows: rows.map((r) => [r.startup ? `_${r.name}_` : r.name, ...engines.map((e) => (r.startup && e.id === 'native' ? '' : cell(e, r.median[opt.metric][e.id])))]),
});
const ratios = {};
for (const [base, baseLabel] of [['turbofan', 'V8 TurboFan'], ['native', 'native']]) {
  const cols = engines.filter((e) => e.id !== base);
  const geo = cols.map((e) => geomean(bench.map((r) => ratio(r, e.id, base)).filter(Number.isFinite)));
  ratios[base] = Object.fromEntries(cols.map((e, i) => [e.id, available(e)
    ? { perProgram: Object.fromEntries(bench.map((r) => [r.name, ratio(r, e.id, base)])), geomean: geo[i] }
    : { available: false, reason: e.unavailable }]));
  tables.push({
    title: `Time relative to ${baseLabel} (median of same-round ratios; lower is faster)`,
    head: ['program', ...cols.map((e) => e.label)],
    rows: [
      ...bench.map((r) => [r.name, ...cols.map((e) => cell(e, ratio(r, e.id, base), 2))]),
      ['**geomean**', ...cols.map((e, i) => (available(e) ? `**${fmt(geo[i], 2)}**` : NA))],
    ],
  });
}

// --- compile time of big.wasm ---------------------------------------------------------
const compile = { inProcess: {}, coldProcess: {} };
if (opt.compile && !opt.only) {
  const code = codeSectionSize(fs.readFileSync(bigWasm));
  const mbps = (ms) => code / 1e6 / (ms / 1000);
  const compileRows = [];
  const add = (e, kind, ms, how) => compileRows.push([e.label, kind, fmt(ms, 1), fmt(mbps(ms), 1), how]);
  const addNA = (e, kind, why) => compileRows.push([e.label, kind, NA, NA, why]);

  for (const e of engines.filter((x) => x.id === 'liftoff' || x.id === 'turbofan')) {
    const flag = e.id === 'liftoff' ? '--liftoff-only' : '--no-liftoff';
    const r = spawnSync(process.execPath, [flag, ...v8Flags, path.join(here, 'compile-bench.mjs'), bigWasm, String(opt.compileRuns)], { encoding: 'utf8' });
    if (r.status !== 0) { fail(`compile-bench on ${e.label}: ${r.stderr}`); continue; }
    const c = compile.inProcess[e.id] = JSON.parse(r.stdout);
    add(e, 'in-process', opt.metric === 'cpu' ? c.medianCpuMs : c.medianWallMs, `new WebAssembly.Module, eager, one thread, median of ${opt.compileRuns}`);
  }
  const hoistTiers = engines.filter((e) => e.strategy);
  if (hoistTiers.some(available)) {
    const benchCmd = (opt.bench ?? `dotnet ${path.join(repo, 'Bench/bin/Release/net10.0/Bench.dll')}`).split(/\s+/).filter(Boolean);
    const out = path.join(os.tmpdir(), `hoist-compile-${process.pid}.json`);
    const r = spawnSync(benchCmd[0], [...benchCmd.slice(1), 'compile', '--hoist-only', '--runs', String(opt.compileRuns), '--json', out], { encoding: 'utf8' });
    if (r.status !== 0 || !fs.existsSync(out)) fail(`${benchCmd.join(' ')} compile: exit ${r.status ?? r.error?.message}: ${(r.stderr ?? '').trim().slice(0, 600)}`);
    else {
      const tiers = JSON.parse(fs.readFileSync(out, 'utf8')).tiers;
      fs.rmSync(out, { force: true });
      for (const e of hoistTiers) {
        const t = compile.inProcess[e.id] = tiers[e.id];
        if (!t?.available) addNA(e, 'in-process', t ? 'not available (below)' : 'no result');
        else add(e, 'in-process', opt.metric === 'cpu' ? t.medianCpuMs : t.medianWallMs, `new Module, one thread, steady state after ${t.warmupSeconds} s warm-up, median of ${opt.compileRuns}`);
      }
    }
  } else for (const e of hoistTiers) addNA(e, 'in-process', 'not available (below)');

  const big = rows.find((r) => r.name === 'big'), hello = rows.find((r) => r.name === 'hello');
  for (const e of wasmEngines) {
    if (!available(e)) { addNA(e, 'cold process', 'not available (below)'); continue; }
    const ms = (big.median[opt.metric][e.id] - hello.median[opt.metric][e.id]) * 1000;
    compile.coldProcess[e.id] = { ms, codeMBps: mbps(ms) };
    add(e, 'cold process', ms, `\`run big.wasm\` minus \`run hello.wasm\`, medians above${e.strategy ? ', compiling on every core' : ''}`);
  }
  tables.push({
    title: `Compile time of big.wasm (${(code / 1e6).toFixed(2)} MB code section; MB = 1e6 bytes of code section), ${opt.metric} time`,
    head: ['tier', 'measured', 'ms', 'MB/s', 'how'],
    rows: compileRows,
  });
}

const unavailableNotes = engines.filter((e) => e.unavailable).map((e) => `${e.label}: ${e.unavailable}`);
const plain = (s) => s.replace(/\*\*|_|`/g, '');
for (const t of tables) {
  const widths = t.head.map((h, i) => Math.max(plain(h).length, ...t.rows.map((r) => plain(r[i]).length)));
  const lastLeft = t.head[t.head.length - 1] === 'how'; // the compile table's last column is prose
  const line = (cells) => cells.map((c, i) => (i === 0 || (lastLeft && i === cells.length - 1) ? plain(c).padEnd(widths[i]) : plain(c).padStart(widths[i]))).join('  ').trimEnd();
  console.log(`\n${plain(t.title)}\n${line(t.head)}`);
  for (const r of t.rows) console.log(line(r));
}
for (const n of unavailableNotes) console.log(`\n${n}`);

// --- JSON and Markdown ----------------------------------------------------------------
const tryRun = (cmd) => { try { return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(); } catch { return null; } };
const machine = {
  cpus: os.cpus().length, model: os.cpus()[0]?.model, memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1), os: `${os.type()} ${os.release()}`,
  node: process.version, v8: process.versions.v8, dotnet: tryRun('dotnet --version'), clang: tryRun('clang --version')?.split('\n')[0],
  commit: tryRun(`git -C "${repo}" rev-parse --short HEAD`), loadBefore, loadAfter: os.loadavg(),
};
const date = new Date().toISOString();
fs.mkdirSync(path.dirname(opt.json), { recursive: true });
fs.writeFileSync(opt.json, JSON.stringify({
  date, command: commandLine, machine, options: { runs: opt.runs, scale: opt.scale, metric: opt.metric, compileRuns: opt.compileRuns },
  seconds: Math.round((Date.now() - started) / 1000),
  engines: engines.map((e) => ({ id: e.id, label: e.label, available: available(e), reason: e.unavailable ?? undefined, command: hoistCmd || !e.strategy ? e.cmd({ name: 'NAME', wasm: 'FILE' }, []).join(' ') : null })),
  programs: rows.map((r) => ({ name: r.name, startup: !!r.startup, samples: r.samples, median: r.median, failures: r.failures })),
  ratios, compile, failures,
}, null, 2) + '\n');
console.log(`\nJSON: ${opt.json}`);

if (opt.results) {
  const md = (t) => [`**${t.title}**`, '', `| ${t.head.join(' | ')} |`, `|${t.head.map((_, i) => (i === 0 || t.head[i] === 'how' ? ':---' : '---:')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const section = [
    '<!-- compare:begin (written by Bench/scripts/compare.mjs --results; edits here are overwritten) -->',
    `Date: ${date.slice(0, 16).replace('T', ' ')} UTC. Commit: ${machine.commit ?? 'unknown'}. Command: \`${commandLine}\` (${Math.round((Date.now() - started) / 60000)} min).`,
    '',
    `Machine: ${machine.model}, ${machine.cpus} cpus, ${machine.memoryGB} GB, ${machine.os}; load average ${loadBefore.map((l) => l.toFixed(1)).join(' ')} before, ${machine.loadAfter.map((l) => l.toFixed(1)).join(' ')} after. ` +
      `Node ${machine.node} (V8 ${machine.v8}), .NET SDK ${machine.dotnet ?? '?'}, ${machine.clang ?? 'clang ?'}. Hoist: \`${hoistCmd?.map((a) => (path.isAbsolute(a) && a.startsWith(repo + path.sep) ? path.relative(repo, a) : a)).join(' ') ?? 'not built'}\`.`,
    '',
    ...tables.flatMap((t) => [md(t), '']),
    ...unavailableNotes.map((n) => `${n}\n`),
    failures.length ? `**${failures.length} failure(s):**\n\n${failures.map((f) => `- ${f.split('\n')[0]}`).join('\n')}\n`
      : `Every output agreed ${opt.scale === 100 ? 'with expected.json and ' : ''}across engines.\n`,
    '<!-- compare:end -->',
  ].join('\n');
  const old = fs.existsSync(opt.results) ? fs.readFileSync(opt.results, 'utf8') : '';
  const m = /<!-- compare:begin[^]*?<!-- compare:end -->/.exec(old);
  fs.writeFileSync(opt.results, m ? old.slice(0, m.index) + section + old.slice(m.index + m[0].length) : `${old}${old ? '\n' : ''}${section}\n`);
  console.log(`Markdown: ${opt.results}`);
}

if (failures.length) {
  console.log(`\n${failures.length} FAILURE(S):`);
  for (const f of failures) console.log(`  - ${f.split('\n')[0]}`);
  process.exit(1);
}
