// record-bench-small.mjs: writes bench-small-expected.json, the full stdout of every
// Bench/programs/*.wasm at a small work scale (argv[1] = "5", i.e. 5% of the standard size), as
// Node's V8 (TurboFan and Liftoff, which must agree) prints it. expected.json holds the outputs at
// scale 100; the smaller scale keeps BenchProgramTests quick on every tier.
//
//   node Tests/Wasi/record-bench-small.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.join(here, '..', '..');
const programs = path.join(repo, 'Bench', 'programs');
const runner = path.join(repo, 'corpus', 'wasi', 'node-wasi-run.mjs');
const scale = '5';
const out = { $comment: `stdout of every benchmark at scale ${scale} (V8 Liftoff and TurboFan agreed); written by record-bench-small.mjs`, scale };
for (const f of fs.readdirSync(programs).filter((f) => f.endsWith('.wasm')).sort()) {
  const results = ['--liftoff-only', '--no-liftoff'].map((flag) => {
    const r = spawnSync(process.execPath, ['--no-warnings', flag, '--no-wasm-lazy-compilation', runner, path.join(programs, f), scale], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${f} ${flag}: exit ${r.status}: ${r.stderr}`);
    return r.stdout;
  });
  if (results[0] !== results[1]) throw new Error(`${f}: Liftoff and TurboFan disagree`);
  out[path.basename(f, '.wasm')] = results[0];
}
fs.writeFileSync(path.join(here, 'bench-small-expected.json'), JSON.stringify(out, null, 2) + '\n');
console.log(`recorded ${Object.keys(out).length - 2} programs at scale ${scale}`);
