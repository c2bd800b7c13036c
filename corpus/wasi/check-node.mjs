// check-node.mjs: runs every test of manifest.json and reports pass/fail per test.
//
//   node corpus/wasi/check-node.mjs [--runner "CMD ARGS"] [--only NAME] [--verbose]
//
// The runner is any command with `hoist run`'s interface ([--dir HOST::GUEST]...
// [--env K=V]... FILE ARGS...). The default runner is Node's node:wasi (node-wasi-run.mjs);
// `--runner "hoist run --strategy baseline"` checks Hoist against the same manifest.
// For each test a fresh temporary root is built from the test's fixture, its preopens are
// passed as --dir, stdin is fed, and stdout, stderr, the exit code and the files the test
// names are compared with its expectation. With the Node runner, a test's `nodeDiffers`
// (where node:wasi is known not to conform) adjusts the expectation and the test reports
// "known difference"; if Node ever produces the conforming output instead, that is reported
// too, so the note can be removed. Exit status: 0 when every test passed, 1 otherwise.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const opts = { runner: null, only: null, verbose: false };
for (let i = 2; i < process.argv.length; i++) {
  const a = process.argv[i];
  if (a === '--runner') opts.runner = process.argv[++i].split(/\s+/).filter(Boolean);
  else if (a === '--only') opts.only = process.argv[++i];
  else if (a === '--verbose') opts.verbose = true;
  else { console.error(`unknown argument ${a}`); process.exit(2); }
}
const isNode = opts.runner === null;
const runner = opts.runner ?? [process.execPath, '--no-warnings', path.join(here, 'node-wasi-run.mjs')];
const manifest = JSON.parse(fs.readFileSync(path.join(here, 'manifest.json'), 'utf8'));

const lines = (l) => (l === undefined ? undefined : l.map((s) => s + '\n').join(''));

/** Builds the fixture under root: files, directories, symlinks ($ROOT = root's absolute path). */
function buildFixture(root, fixture) {
  for (const e of fixture ?? []) {
    const p = path.join(root, e.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if ('file' in e) fs.writeFileSync(p, e.file);
    else if (e.dir) fs.mkdirSync(p, { recursive: true });
    else if ('symlink' in e) fs.symlinkSync(e.symlink.replaceAll('$ROOT', root), p);
    else throw new Error(`fixture entry ${e.path}: needs file, dir or symlink`);
  }
}

/** The expectation the current runner must meet. */
function expectationFor(test) {
  const exp = { ...test.expect, files: { ...(test.expect.files ?? {}) } };
  const nd = isNode ? test.nodeDiffers : undefined;
  if (!nd) return { exp, known: null };
  const adjusted = { ...exp, files: { ...exp.files, ...(nd.files ?? {}) } };
  if (nd.stdoutReplace) {
    adjusted.stdout = exp.stdout.map((l) => {
      const r = nd.stdoutReplace.find(([from]) => from === l);
      return r ? r[1] : l;
    });
  }
  if ('exitCode' in nd) adjusted.exitCode = nd.exitCode;
  return { exp: adjusted, known: nd.reason, conforming: exp };
}

function runTest(test) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `wasi-${test.name}-`));
  try {
    buildFixture(root, test.fixture);
    const argv = [...runner.slice(1)];
    for (const p of test.preopens ?? []) argv.push('--dir', `${path.join(root, p.host)}::${p.guest}`);
    for (const [k, v] of Object.entries(test.env ?? {})) argv.push('--env', `${k}=${v}`);
    argv.push(path.join(here, test.wasm), ...(test.args ?? []));
    const r = spawnSync(runner[0], argv, { input: test.stdin ?? '', encoding: 'utf8', timeout: 60000 });
    const actual = { stdout: r.stdout ?? '', stderr: r.stderr ?? '', exitCode: r.status, files: {} };
    for (const f of Object.keys({ ...(test.expect.files ?? {}), ...(test.nodeDiffers?.files ?? {}) })) {
      const p = path.join(root, f);
      actual.files[f] = fs.existsSync(p) || isLink(p)
        ? (fs.lstatSync(p).isFile() ? fs.readFileSync(p, 'utf8') : `<${fs.lstatSync(p).isDirectory() ? 'dir' : 'link'}>`)
        : null;
    }
    if (r.error) actual.stderr += `\n[runner error: ${r.error.message}]`;
    return actual;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function isLink(p) { try { fs.lstatSync(p); return true; } catch { return false; } }

/** Differences between actual and an expectation, as human-readable lines. */
function diff(actual, exp) {
  const out = [];
  if (actual.exitCode !== exp.exitCode) out.push(`exit code ${actual.exitCode}, expected ${exp.exitCode}`);
  for (const stream of ['stdout', 'stderr']) {
    const want = lines(exp[stream]);
    if (want === undefined || actual[stream] === want) continue;
    const a = actual[stream].split('\n'), w = want.split('\n');
    const n = Math.max(a.length, w.length);
    for (let i = 0; i < n; i++) {
      if (a[i] === w[i]) continue;
      out.push(`${stream} line ${i + 1}: got ${JSON.stringify(a[i] ?? '<none>')}, expected ${JSON.stringify(w[i] ?? '<none>')}`);
    }
  }
  for (const [f, want] of Object.entries(exp.files ?? {})) {
    if (actual.files[f] !== want) out.push(`file ${f}: got ${JSON.stringify(actual.files[f])}, expected ${JSON.stringify(want)}`);
  }
  return out;
}

let failed = 0, passed = 0;
for (const test of manifest.tests) {
  if (opts.only && test.name !== opts.only) continue;
  const { exp, known, conforming } = expectationFor(test);
  const actual = runTest(test);
  const d = diff(actual, exp);
  if (d.length === 0) {
    passed++;
    console.log(`PASS ${test.name}${known ? ` (known node:wasi difference: ${known})` : ''}`);
  } else if (known && diff(actual, conforming).length === 0) {
    failed++;
    console.log(`FAIL ${test.name}: node:wasi now conforms; remove the test's nodeDiffers note`);
  } else {
    failed++;
    console.log(`FAIL ${test.name}`);
    for (const l of opts.verbose ? d : d.slice(0, 8)) console.log(`     ${l}`);
    if (!opts.verbose && d.length > 8) console.log(`     ... ${d.length - 8} more (use --verbose)`);
  }
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
