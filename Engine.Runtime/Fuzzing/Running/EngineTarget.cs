using System.Security.Cryptography;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>A generated module and its binary encoding: what every target runs.</summary>
public sealed record FuzzCase(GModule Module, byte[] Binary);

/// <summary>Something that runs a test case and reports what happened: a Hoist tier, or V8.</summary>
public interface IFuzzTarget : IDisposable
{
    string Name { get; }

    /// <summary>True when the target reports float results and globals bit for bit (V8 turns NaNs into JS numbers).</summary>
    bool ExactNans { get; }

    RunOutcome Run(FuzzCase c);
}

/// <summary>
/// Runs test cases on one Hoist tier: compile, instantiate in a fresh store, make the planned calls (fuel reset
/// before each), read back the final state. A call that runs away ends as <see cref="StepKind.Hung"/> instead of
/// stopping the fuzzer: code is compiled with epoch interruption and a ticker advances the epoch (a call gets
/// <see cref="CallTimeLimit"/>), or, in the <c>meteredFuel</c> variant, with the engine's fuel metering and a
/// budget no generated call comes near. The two variants compile different code for the same semantics.
/// </summary>
public sealed class EngineTarget : IFuzzTarget
{
    const int TickMilliseconds = 10;
    static readonly object[] s_hostObjects = [new HostObject(0), new HostObject(1), new HostObject(2)];

    /// <summary>The engine fuel a call gets in the metered variant: far more than 300 loop iterations of any generated body.</summary>
    const long MeteredFuel = 2_000_000_000;

    /// <summary>
    /// Runs before the engine is replaced by a fresh one. An engine keeps a trampoline (a page of code) and a
    /// canonical type for every distinct function type it has seen, for its lifetime; generated modules bring new
    /// types all the time, so a long run on one engine would grow without bound.
    /// </summary>
    const int RunsPerEngine = 200;

    readonly Config _config;
    Engine _engine;
    int _runs;
    readonly Timer? _ticker;
    readonly bool _metered;

    /// <summary>Throws <see cref="NotSupportedException"/> when the strategy has no compiler yet.</summary>
    public EngineTarget(Strategy strategy, string? name = null, bool meteredFuel = false)
    {
        _metered = meteredFuel;
        _config = new Config { Strategy = strategy, EpochInterruption = !meteredFuel, ConsumeFuel = meteredFuel, ParallelCompilation = false };
        _engine = new Engine(_config);
        Name = name ?? strategy.ToString().ToLowerInvariant();
        if (!meteredFuel) _ticker = new Timer(_ => _engine.IncrementEpoch(), null, TickMilliseconds, TickMilliseconds);
    }

    /// <summary>Whether <paramref name="strategy"/> has a compiler in this build.</summary>
    public static bool IsAvailable(Strategy strategy)
    {
        try { _ = new Engine(new Config { Strategy = strategy }); return true; }
        catch (NotSupportedException) { return false; }
    }

    public string Name { get; }
    public bool ExactNans => true;
    public TimeSpan CallTimeLimit { get; init; } = TimeSpan.FromSeconds(10);

    public RunOutcome Run(FuzzCase c)
    {
        if (++_runs % RunsPerEngine == 0) _engine = new Engine(_config);
        var steps = new List<StepOutcome>();
        Module module;
        try
        {
            module = new Module(_engine, c.Binary);
            steps.Add(StepOutcome.Success("compile"));
        }
        catch (Exception e)
        {
            steps.Add(Failed("compile", e));
            return new RunOutcome(Name, steps, null);
        }
        using (module)
        using (var store = new Store(_engine))
        {
            Instance instance;
            try
            {
                SetDeadline(store);
                instance = HostLinker(c.Module).Instantiate(store, module);
                steps.Add(StepOutcome.Success("instantiate"));
            }
            catch (Exception e)
            {
                steps.Add(Failed("instantiate", e));
                return new RunOutcome(Name, steps, null);
            }
            var functions = new Func[c.Module.Funcs.Count];
            var index = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
            // References are known by function index (imports first), as V8 names its exported functions.
            for (int i = 0; i < functions.Length; i++) index[functions[i] = instance.GetFunc(GModule.FuncExport(i))] = c.Module.Imports.Count + i;
            var fuel = instance.GetGlobal(GModule.FuelExport);
            foreach (var call in c.Module.Calls)
            {
                int fi = c.Module.Funcs.IndexOf(call.Func);
                string step = StepName(fi, call.Args);
                try
                {
                    var args = Array.ConvertAll(call.Args, a => ToValue(a, functions));
                    fuel.Value = Value.I32(GModule.FuelPerCall);
                    SetDeadline(store);
                    var results = functions[fi].Invoke(args);
                    steps.Add(StepOutcome.Success(step, Array.ConvertAll(results, v => FromValue(v, index))));
                }
                catch (Exception e)
                {
                    steps.Add(Failed(step, e));
                }
            }
            FinalState? final = null;
            try { final = ReadState(c.Module, instance, index); }
            catch (Exception e) { steps.Add(Failed("final state", e)); }
            return new RunOutcome(Name, steps, final);
        }
    }

    /// <summary>A linker with the module's host imports (<see cref="HostImport.Call"/>).</summary>
    Linker HostLinker(GModule m)
    {
        var linker = new Linker(_engine);
        foreach (var imp in m.Imports)
        {
            linker.DefineFunction(HostImport.Module, imp.Name, imp.Type.ToFuncType(), args => HostImport.Call(imp.Name, args));
        }
        return linker;
    }

    void SetDeadline(Store store)
    {
        if (_metered) store.Fuel = MeteredFuel;
        else store.SetEpochDeadline((ulong)(CallTimeLimit.TotalMilliseconds / TickMilliseconds));
    }

    /// <summary>The name of a call step: the export and its arguments.</summary>
    public static string StepName(int function, ArgValue[] args) =>
        GModule.FuncExport(function) + "(" + string.Join(' ', args.Select(Describe)) + ")";

    static string Describe(ArgValue a) =>
        a.Type.IsNumeric ? FuzzValue.Number(a.Type.Kind, a.Bits).ToString()
        : a.FuncIndex >= 0 ? "func:" + a.FuncIndex : a.ExternId >= 0 ? "extern:" + a.ExternId : "null";

    static StepOutcome Failed(string step, Exception e) => e switch
    {
        TrapException { Code: TrapCode.Interrupted or TrapCode.OutOfFuel } => new StepOutcome(step, StepKind.Hung, [], Detail: "no result within the time or fuel limit"),
        TrapException t => new StepOutcome(step, StepKind.Trapped, [], t.Code, t.Backtrace.Count > 0 ? $"{t.Message} at {t.Backtrace[0]}" : t.Message),
        WasmException => new StepOutcome(step, StepKind.Rejected, [], Detail: e.Message),
        Hoist.Compiler.UnsupportedFeatureException u => new StepOutcome(step, StepKind.Unsupported, [], Detail: $"{u.Construct} ({u.Feature.ToString().ToLowerInvariant()})"),
        NotSupportedException => new StepOutcome(step, StepKind.Rejected, [], Detail: e.Message),
        _ => new StepOutcome(step, StepKind.Crashed, [], Detail: $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}"),
    };

    static Value ToValue(ArgValue a, Func[] functions)
    {
        switch (a.Type.Kind)
        {
            case ValKind.I32: return Value.I32((int)(uint)a.Bits);
            case ValKind.I64: return Value.I64((long)a.Bits);
            case ValKind.F32: return Value.F32Bits((uint)a.Bits);
            case ValKind.F64: return Value.F64Bits(a.Bits);
        }
        if (a.FuncIndex >= 0) return Value.FuncRef(functions[a.FuncIndex]);
        if (a.ExternId >= 0) return Value.ExternRef(s_hostObjects[a.ExternId]);
        return Value.Null(a.Type);
    }

    static FuzzValue FromValue(Value v, Dictionary<object, int> functions)
    {
        switch (v.Type.Kind)
        {
            case ValKind.I32: return FuzzValue.Number(ValKind.I32, (uint)v.AsI32());
            case ValKind.I64: return FuzzValue.Number(ValKind.I64, (ulong)v.AsI64());
            case ValKind.F32: return FuzzValue.Number(ValKind.F32, v.AsF32Bits());
            case ValKind.F64: return FuzzValue.Number(ValKind.F64, v.AsF64Bits());
        }
        object? r = v.Reference;
        int id = r is null ? FuzzValue.Null
            : functions.TryGetValue(r, out int f) ? f
            : r is HostObject h ? FuzzValue.ExternBase + h.Id
            : FuzzValue.Unknown;
        return new FuzzValue(ValKind.Ref, 0, id);
    }

    static FinalState ReadState(GModule m, Instance instance, Dictionary<object, int> functions)
    {
        var globals = new FuzzValue[m.Globals.Count];
        for (int i = 0; i < globals.Length; i++)
            globals[i] = FromValue(instance.GetGlobal(i == m.FuelGlobal ? GModule.FuelExport : GModule.GlobalExport(i)).Value, functions);
        var memories = new MemoryImage[m.Memories.Count];
        for (int i = 0; i < memories.Length; i++)
        {
            var memory = instance.GetMemory(GModule.MemoryExport(i));
            memories[i] = new MemoryImage(memory.Size, Convert.ToHexStringLower(SHA256.HashData(memory.Span)));
        }
        var tables = new TableImage[m.Tables.Count];
        for (int i = 0; i < tables.Length; i++)
        {
            var table = instance.GetTable(GModule.TableExport(i));
            var elements = new int[(int)table.Size];
            for (int e = 0; e < elements.Length; e++) elements[e] = FromValue(table.Get((ulong)e), functions).Ref;
            tables[i] = new TableImage(elements);
        }
        return new FinalState(globals, memories, tables);
    }

    public void Dispose() => _ticker?.Dispose();

    /// <summary>The host objects passed as externref arguments, known by id on every engine.</summary>
    sealed record HostObject(int Id);
}
