// wasm-sections.mjs: the section layout of a wasm binary (id, name, size), so that the
// benchmark scripts can report compile throughput per byte of code section.
//
//   node Bench/scripts/wasm-sections.mjs FILE.wasm     prints one line per section
//   import { sections, codeSectionSize } from './wasm-sections.mjs'
//
// Only the section headers are read (magic, version, then id + LEB128 size per section);
// a malformed header throws an Error naming the offset.
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const NAMES = ['custom', 'type', 'import', 'function', 'table', 'memory', 'global', 'export',
  'start', 'element', 'code', 'data', 'datacount', 'tag'];

export function sections(bytes) {
  if (bytes.length < 8 || bytes.readUInt32LE(0) !== 0x6d736100) throw new Error('not a wasm binary (bad magic)');
  const out = [];
  let p = 8;
  while (p < bytes.length) {
    const id = bytes[p++];
    let size = 0, shift = 0, b;
    do {
      if (p >= bytes.length) throw new Error(`truncated section size at offset ${p}`);
      b = bytes[p++];
      size += (b & 0x7f) * 2 ** shift;
      shift += 7;
    } while (b & 0x80);
    if (p + size > bytes.length) throw new Error(`section ${id} at offset ${p} runs past the end`);
    out.push({ id, name: NAMES[id] ?? `unknown(${id})`, offset: p, size });
    p += size;
  }
  return out;
}

export function codeSectionSize(bytes) {
  return sections(bytes).filter((s) => s.id === 10).reduce((n, s) => n + s.size, 0);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const bytes = fs.readFileSync(process.argv[2]);
  for (const s of sections(bytes)) console.log(`${s.name.padEnd(10)} ${String(s.size).padStart(10)} bytes at ${s.offset}`);
  console.log(`total      ${String(bytes.length).padStart(10)} bytes`);
}
