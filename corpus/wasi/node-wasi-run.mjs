// node-wasi-run.mjs: runs one wasm32-wasi command module under Node's node:wasi with the
// same command line as `hoist run`, so that check-node.mjs (and the benchmark scripts) can
// drive Node and Hoist through one interface:
//
//   node node-wasi-run.mjs [--dir HOST[::GUEST]]... [--env K=V]... FILE [ARGS...]
//
// argv[0] seen by the module is FILE as given. stdin/stdout/stderr are this process's.
// The exit status is the module's proc_exit code (0 when _start returns).
// A trap (WebAssembly.RuntimeError) prints one line on stderr and exits with 134, which is
// what a native abort would give, so a harness can tell traps from exit codes.
import { WASI } from 'node:wasi';
import { readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const preopens = {};
const env = {};
let i = 0;
for (; i < argv.length; i++) {
  const a = argv[i];
  if (a === '--dir') {
    const spec = argv[++i];
    const sep = spec.indexOf('::');
    const host = sep < 0 ? spec : spec.slice(0, sep);
    const guest = sep < 0 ? spec : spec.slice(sep + 2);
    preopens[guest] = host;
  } else if (a === '--env') {
    const kv = argv[++i];
    const eq = kv.indexOf('=');
    if (eq < 0) { console.error(`--env needs K=V, got ${kv}`); process.exit(2); }
    env[kv.slice(0, eq)] = kv.slice(eq + 1);
  } else if (a === '--') { i++; break; }
  else break;
}
if (i >= argv.length) {
  console.error('usage: node-wasi-run.mjs [--dir HOST[::GUEST]] [--env K=V] FILE [ARGS...]');
  process.exit(2);
}
const file = argv[i];
const args = argv.slice(i);

const wasi = new WASI({ version: 'preview1', args, env, preopens, returnOnExit: true });
let code;
try {
  const module = new WebAssembly.Module(readFileSync(file));
  const instance = new WebAssembly.Instance(module, wasi.getImportObject());
  code = wasi.start(instance);
} catch (e) {
  if (e instanceof WebAssembly.RuntimeError) {
    process.stderr.write(`trap: ${e.message}\n`);
    process.exit(134);
  }
  throw e;
}
process.exitCode = code;
