using Hoist.Optimizing.Ir;
using Hoist.Runtime.Fuzzing;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Xunit.Abstractions;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>
/// Differential check of the optimization pipeline on random programs: the fuzzer's generated modules
/// (loops, memory, tables, globals, calls, host imports, traps) run on the IR interpreter as translated and as
/// optimized, and every planned call must give the same results or the same trap, and leave the same globals
/// and memory bytes. Where the spec suite checks the passes on what its authors thought of, this checks them
/// on code nobody wrote by hand. Calls taking references are skipped (the numeric ones cover the passes).
/// </summary>
public class GeneratedModuleDiffTests(ITestOutputHelper output)
{
    const int Modules = 400;

    [Fact]
    public void OptimizedIrBehavesAsTranslatedIrOnGeneratedModules()
    {
        string? failure = null;
        int compared = 0, skipped = 0, traps = 0, results = 0;
        var thread = new Thread(() =>
        {
            try
            {
                for (int i = 0; i < Modules && failure is null; i++)
                {
                    var gm = DiffFuzzer.Generate(runSeed: 77, i);
                    byte[] binary = ModuleEmitter.Encode(gm);
                    var plain = Run(gm, binary, optimize: false);
                    var optimized = Run(gm, binary, optimize: true);
                    if (plain is null || optimized is null) { skipped++; continue; }
                    for (int k = 0; k < plain.Count; k++)
                        if (plain[k] != optimized[k]) { failure = $"module {i} (seed 77): {plain[k]} vs optimized {optimized[k]}"; break; }
                    compared += plain.Count;
                    traps += plain.Count(l => l.Contains("trap"));
                    results += plain.Count(l => l.StartsWith('f') && !l.Contains("trap"));
                }
            }
            catch (Exception e) { failure = e.ToString(); }
        }, 256 * 1024 * 1024);
        thread.Start();
        thread.Join();
        output.WriteLine($"{compared} outcomes compared over {Modules} modules ({skipped} modules skipped): {results} calls returned, {traps} trapped");
        Assert.True(failure is null, failure);
        Assert.True(results > 2 * Modules && traps > Modules / 4, $"too little compared: {results} results, {traps} traps");
    }

    /// <summary>One line per call (its results or trap) and per exported global and memory at the end; null when the module cannot run here.</summary>
    static List<string>? Run(GModule gm, byte[] binary, bool optimize)
    {
        var store = new InterpStore { Optimize = optimize };
        var module = ModuleDecoder.Decode(binary);
        CompiledModule compiled;
        try { compiled = store.Compile(module); }
        catch (WasmException) { return null; }
        var hosts = new Dictionary<string, FuncObj>();
        foreach (var (name, ps, rs) in HostImport.Catalog)
            hosts[name] = store.HostFunction(new FuncType(ps, rs), a => Host(name, a));
        InterpInstance inst;
        try { inst = InterpInstance.Instantiate(store, compiled, (m, n) => m == HostImport.Module ? hosts.GetValueOrDefault(n) : null); }
        catch (Exception e) when (e is InterpTrap or LinkException or SkipException) { return null; }

        var lines = new List<string>();
        var fuel = (GlobalObj)inst.Exports[GModule.FuelExport];
        foreach (var call in gm.Calls)
        {
            int fi = gm.Funcs.IndexOf(call.Func);
            var f = (FuncObj)inst.Exports[GModule.FuncExport(fi)];
            if (call.Args.Any(a => !a.Type.IsNumeric) || f.Type.Results.Any(t => !t.IsNumeric)) { lines.Add("skipped"); continue; }
            var args = Array.ConvertAll(call.Args, a => a.Type.Kind switch
            {
                ValKind.I32 => (long)(int)(uint)a.Bits,
                ValKind.F32 => (long)(uint)a.Bits,
                _ => (long)a.Bits,
            });
            store.Memory.WriteI64(fuel.Cell, GModule.FuelPerCall);
            try { lines.Add($"f{fi}: " + string.Join(' ', IrInterpreter.Invoke(store, f, args).Select(r => r.ToString("x")))); }
            catch (InterpTrap t) { lines.Add($"f{fi}: trap {t.Code}"); }
            catch (SkipException) { return null; }
        }
        foreach (var (name, obj) in inst.Exports.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (obj is GlobalObj g) lines.Add($"{name} = {store.Memory.ReadI64(g.Cell):x}");
            else if (obj is MemoryObj m) lines.Add($"{name}: {m.Segment.Size} bytes, hash {Hash(m.Segment.Data.AsSpan(0, (int)m.Segment.Size)):x}");
        }
        return lines;
    }

    static long[] Host(string name, long[] a) => name switch
    {
        "mix32" => [(int)a[0] * 31 + (int)a[1]],
        "mix64" => [a[0] * 31 + (int)a[1]],
        "mixf64" => [BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(a[0]) * 0.5 + BitConverter.Int64BitsToDouble(a[1]))],
        "same" => [a[0]],
        "pick" => [(int)a[1] != 0 ? a[0] : 0],
        _ => [],
    };

    static ulong Hash(ReadOnlySpan<byte> bytes)
    {
        ulong h = 14695981039346656037;
        foreach (byte b in bytes) h = (h ^ b) * 1099511628211;
        return h;
    }
}
