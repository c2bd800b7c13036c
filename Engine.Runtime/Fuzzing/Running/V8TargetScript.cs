namespace Hoist.Runtime.Fuzzing;

/// <summary>The Node script <see cref="V8Target"/> runs: a loop over JSON requests on stdin, one JSON reply per line.</summary>
static class V8TargetScript
{
    /// <summary>
    /// Request: <c>{wasm (base64), calls: [{f, args: [{t, k: num|null|func|extern, v (hex bits) | i}], results: [type]}],
    /// globals: [type], fuel (index), fuelPerCall, memories (count), tables: [type]}</c>.
    /// Reply: <c>{steps: [{k: ok|trap|reject|error, v: [value], m}], final: {globals: [value], memories: [{pages, sha}],
    /// tables: [[ref]]} | null}</c>, where a value is <c>{k: i32|i64|f32|f64, v: hex bits}</c> or <c>{k: ref, r}</c>
    /// (r as in FuzzValue: a function index, -1 null, 1000000 + id for a host object, -2 unknown).
    /// Function references map back to indices through the exported functions' names, which V8 sets to the
    /// function index as the JS API specifies.
    /// </summary>
    public const string Source = """
        import readline from 'node:readline';
        import crypto from 'node:crypto';

        const hostObjects = [{ id: 0 }, { id: 1 }, { id: 2 }];
        // The host functions of HostImport.Catalog.
        const host = {
          mix32: (a, b) => (Math.imul(a, 31) + b) | 0,
          mix64: (a, b) => BigInt.asIntN(64, a * 31n + BigInt(b)),
          mixf64: (a, b) => a * 0.5 + b,
          sink: a => {},
          same: x => x,
          pick: (f, c) => c !== 0 ? f : null,
        };
        const dv = new DataView(new ArrayBuffer(8));

        function toWasm(a, ex) {
          switch (a.k) {
            case 'num':
              switch (a.t) {
                case 'i32': return Number(BigInt.asIntN(32, BigInt('0x' + a.v)));
                case 'i64': return BigInt.asIntN(64, BigInt('0x' + a.v));
                case 'f32': dv.setUint32(0, Number(BigInt('0x' + a.v))); return dv.getFloat32(0);
                default: dv.setBigUint64(0, BigInt('0x' + a.v)); return dv.getFloat64(0);
              }
            case 'func': return ex['f' + a.i];
            case 'extern': return hostObjects[a.i];
            default: return null;
          }
        }

        function ref(v, t) {
          if (v === null) return { k: 'ref', r: -1 };
          if (t === 'externref') { const i = hostObjects.indexOf(v); return { k: 'ref', r: i >= 0 ? 1000000 + i : -2 }; }
          const n = typeof v === 'function' ? Number(v.name) : NaN;
          return { k: 'ref', r: Number.isInteger(n) ? n : -2 };
        }

        function fromWasm(v, t) {
          switch (t) {
            case 'i32': return { k: t, v: (v >>> 0).toString(16) };
            case 'i64': return { k: t, v: BigInt.asUintN(64, v).toString(16) };
            case 'f32': dv.setFloat32(0, v); return { k: t, v: dv.getUint32(0).toString(16) };
            case 'f64': dv.setFloat64(0, v); return { k: t, v: dv.getBigUint64(0).toString(16) };
            default: return ref(v, t);
          }
        }

        function failure(e) {
          // Instantiation errors carry a prefix ("WebAssembly.Instance(): "): keep the message alone.
          if (e instanceof WebAssembly.RuntimeError) return { k: 'trap', m: e.message.replace(/^WebAssembly\.\w+\(\): /, '') };
          if (e instanceof RangeError && /call stack/i.test(e.message)) return { k: 'trap', m: 'stack overflow' };
          return { k: 'error', m: String((e && e.stack) || e) };
        }

        function run(req) {
          const steps = [];
          let module, instance;
          try { module = new WebAssembly.Module(Buffer.from(req.wasm, 'base64')); steps.push({ k: 'ok', v: [] }); }
          catch (e) { steps.push({ k: 'reject', m: String(e.message) }); return { steps, final: null }; }
          try { instance = new WebAssembly.Instance(module, { host }); steps.push({ k: 'ok', v: [] }); }
          catch (e) { steps.push(failure(e)); return { steps, final: null }; }
          const ex = instance.exports;
          for (const c of req.calls) {
            try {
              ex.fuel.value = req.fuelPerCall;
              const r = ex['f' + c.f](...c.args.map(a => toWasm(a, ex)));
              const rs = c.results.length === 0 ? [] : c.results.length === 1 ? [r] : Array.from(r);
              steps.push({ k: 'ok', v: rs.map((v, i) => fromWasm(v, c.results[i])) });
            } catch (e) { steps.push(failure(e)); }
          }
          const final = {
            globals: req.globals.map((t, i) => fromWasm((i === req.fuel ? ex.fuel : ex['g' + i]).value, t)),
            memories: Array.from({ length: req.memories }, (_, i) => {
              const b = ex['m' + i].buffer;
              return { pages: b.byteLength / 65536, sha: crypto.createHash('sha256').update(new Uint8Array(b)).digest('hex') };
            }),
            tables: req.tables.map((t, i) => {
              const table = ex['t' + i], out = [];
              for (let j = 0; j < table.length; j++) out.push(ref(table.get(j), t).r);
              return out;
            }),
          };
          return { steps, final };
        }

        const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
        rl.on('line', line => {
          let reply;
          try { reply = run(JSON.parse(line)); }
          catch (e) { reply = { steps: [{ k: 'error', m: String((e && e.stack) || e) }], final: null }; }
          process.stdout.write(JSON.stringify(reply) + '\n');
        });
        """;
}
