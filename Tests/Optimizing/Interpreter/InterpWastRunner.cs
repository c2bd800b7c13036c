using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>
/// Runs a .wast script's execution commands on the IR interpreter: modules are translated (and optionally
/// optimized) and instantiated against the <c>spectest</c> host module and registered instances; then
/// assert_return, assert_trap, assert_exhaustion and actions are checked. Validation-only assertions
/// (malformed, invalid, unlinkable) and exceptions are the front end's and runtime's business and are
/// skipped, as is anything touching a proposal outside the optimizing compiler's scope.
/// </summary>
sealed class InterpWastRunner(bool optimize)
{
    public int Passed, Skipped;
    public readonly List<string> Failures = new();
    public readonly Dictionary<string, int> SkipReasons = new();

    InterpStore _store = null!;
    readonly Dictionary<string, InterpInstance?> _named = new();
    readonly Dictionary<string, CompiledModule?> _definitions = new();
    readonly Dictionary<string, Dictionary<string, object>> _registered = new();
    InterpInstance? _current;
    InterpInstance? _lastTarget;
    /// <summary>Instances whose state a skipped call may have left different from what the script assumes.</summary>
    readonly HashSet<InterpInstance> _tainted = new();
    bool _currentBroken;
    string _file = "";

    public void RunFile(string path)
    {
        _file = Path.GetFileName(path);
        _store = new InterpStore { Optimize = optimize };
        _registered["spectest"] = SpecTest(_store);
        var script = WastParser.ParseFile(path);
        foreach (var c in script.Commands)
        {
            _lastTarget = null;
            try { Run(c); }
            catch (SkipException e)
            {
                Skip(e.Message);
                if (_lastTarget is not null) _tainted.Add(_lastTarget);
            }
            catch (Exception e) when (e is UnmappedAccessException or InvalidOperationException or IndexOutOfRangeException or NullReferenceException or ArgumentException or KeyNotFoundException)
            {
                Fail(c.Line, $"interpreter error: {e}");
            }
        }
    }

    void Skip(string reason)
    {
        Skipped++;
        SkipReasons[reason] = SkipReasons.GetValueOrDefault(reason) + 1;
    }

    void Fail(int line, string message) => Failures.Add($"{_file}:{line}: {message}");

    void Run(WastCommand c)
    {
        switch (c)
        {
            case WastModuleCommand m:
                try { DefineModule(m.Module); }
                catch (InterpTrap t) { Fail(c.Line, $"instantiation trapped: {t.Message}"); }
                break;
            case WastModuleInstance mi:
            {
                if (mi.DefinitionId is null || !_definitions.TryGetValue(mi.DefinitionId, out var def) || def is null) { Skip("module instance of an unknown definition"); break; }
                Instantiate(def, mi.InstanceId);
                break;
            }
            case WastRegister r:
            {
                var inst = r.ModuleId is null ? (_currentBroken ? null : _current) : _named.GetValueOrDefault(r.ModuleId);
                if (inst is null) { Skip("register of a module that did not instantiate"); break; }
                _registered[r.Name] = inst.Exports;
                break;
            }
            case WastActionCommand a:
                Perform(a.Action);
                Passed++;
                break;
            case WastAssertReturn ar:
            {
                long[] results;
                try { results = Perform(ar.Action); }
                catch (InterpTrap t) { Fail(c.Line, $"trapped: {t.Message}"); break; }
                string? mismatch = Compare(results, ar.Expected);
                if (mismatch is null) Passed++; else Fail(c.Line, mismatch);
                break;
            }
            case WastAssertTrap at:
                ExpectTrap(c.Line, at.Message, () =>
                {
                    if (at.Action is not null) Perform(at.Action);
                    else DefineModule(at.Module!);
                });
                break;
            case WastAssertExhaustion ae:
                ExpectTrap(c.Line, ae.Message, () => Perform(ae.Action));
                break;
            default:
                Skip(c.GetType().Name);
                break;
        }
    }

    void ExpectTrap(int line, string expected, Action run)
    {
        try
        {
            run();
            Fail(line, $"expected a trap '{expected}', got none");
        }
        catch (InterpTrap t)
        {
            if (t.Message.StartsWith(expected, StringComparison.Ordinal) || expected.StartsWith(t.Message, StringComparison.Ordinal)) Passed++;
            else Fail(line, $"expected trap '{expected}', got '{t.Message}'");
        }
    }

    void DefineModule(WastModule m)
    {
        _currentBroken = true;
        WasmModule module;
        try { module = Decode(m); }
        catch (WasmException e) { Skip($"module not accepted by the front end: {e.Message}"); return; }
        CompiledModule compiled;
        try { compiled = _store.Compile(module); }
        catch (WasmException e) { Skip($"module not accepted: {e.Message}"); return; }
        if (m.IsDefinition)
        {
            if (m.Id is not null) _definitions[m.Id] = compiled;
            return;
        }
        Instantiate(compiled, m.Id);
    }

    void Instantiate(CompiledModule compiled, string? id)
    {
        _currentBroken = true;
        InterpInstance inst;
        try { inst = InterpInstance.Instantiate(_store, compiled, Resolve); }
        catch (LinkException e)
        {
            if (id is not null) _named[id] = null;
            Skip(e.Message);
            return;
        }
        _current = inst;
        _currentBroken = false;
        if (id is not null) _named[id] = inst;
    }

    static WasmModule Decode(WastModule m)
    {
        byte[] bytes = m switch
        {
            WastTextModule { Module: not null } t => Encode(t.Module),
            WastTextModule t => throw t.Error!,
            WastBinaryModule b => b.Bytes,
            WastQuoteModule q => Encode(WatParser.ParseQuoted(q.Text)),
            _ => throw new SkipException("unknown module form"),
        };
        return ModuleDecoder.Decode(bytes);
    }

    static byte[] Encode(WasmModule module)
    {
        module.DataCount ??= (uint)module.Data.Count;
        return ModuleEncoder.Encode(module);
    }

    object? Resolve(string module, string name) =>
        _registered.TryGetValue(module, out var exports) && exports.TryGetValue(name, out var obj) ? obj : null;

    InterpInstance Target(string? moduleId)
    {
        InterpInstance? inst = moduleId is not null ? _named.GetValueOrDefault(moduleId) : _currentBroken ? null : _current;
        if (inst is null) throw new SkipException("action on a module that did not instantiate");
        if (_tainted.Contains(inst)) throw new SkipException("action on a module whose state depends on a skipped call");
        _lastTarget = inst;
        return inst;
    }

    long[] Perform(WastAction action)
    {
        var inst = Target(action.ModuleId);
        if (!inst.Exports.TryGetValue(action.Name, out var obj)) throw new SkipException("unknown export");
        switch (action)
        {
            case WastGet:
            {
                var g = (GlobalObj)obj;
                long raw = _store.Memory.ReadI64(g.Cell);
                return [Normalize(g.Type.Type, raw)];
            }
            case WastInvoke invoke:
            {
                var f = (FuncObj)obj;
                var args = new long[invoke.Args.Count];
                for (int i = 0; i < args.Length; i++) args[i] = Argument(invoke.Args[i], f.Type.Params[i]);
                return IrInterpreter.Invoke(_store, f, args);
            }
            default:
                throw new SkipException("unknown action");
        }
    }

    static long Normalize(ValType t, long raw) => t.Kind switch { ValKind.I32 => (int)raw, ValKind.F32 => (uint)raw, _ => raw };

    static long Argument(WastValue v, ValType type) => v switch
    {
        WastNum n => Normalize(n.Type, (long)n.Bits),
        WastRef { Kind: "ref.null" } => 0,
        WastRef { Kind: "ref.extern" or "ref.host", Payload: uint p } => (long)p + 1,
        _ => throw new SkipException($"argument {v} of type {type}"),
    };

    static string? Compare(long[] actual, IReadOnlyList<WastValue> expected)
    {
        if (actual.Length != expected.Count) return $"{actual.Length} results, expected {expected.Count}";
        for (int i = 0; i < actual.Length; i++)
            if (!Matches(actual[i], expected[i])) return $"result {i}: got 0x{actual[i]:x}, expected {Describe(expected[i])}";
        return null;
    }

    static string Describe(WastValue v) => v switch
    {
        WastNum n => $"{n.Type} 0x{n.Bits:x}",
        _ => v.ToString()!,
    };

    static bool Matches(long actual, WastValue expected) => expected switch
    {
        WastNum n => n.Type.Kind switch
        {
            ValKind.I32 => (int)actual == (int)n.Bits,
            ValKind.F32 => (uint)actual == (uint)n.Bits,
            _ => actual == (long)n.Bits,
        },
        WastNanPattern p => IsNan(actual, p),
        WastRef { Kind: "ref.null" } => actual == 0,
        WastRef { Kind: "ref.extern" or "ref.host", Payload: uint payload } => actual == (long)payload + 1,
        WastRef { Kind: "ref.func" or "ref.extern" or "ref.any" } => actual != 0,
        WastEither e => e.Alternatives.Any(alt => Matches(actual, alt)),
        _ => throw new SkipException($"expected value {expected}"),
    };

    static bool IsNan(long bits, WastNanPattern p)
    {
        if (p.Type.Kind == ValKind.F32)
        {
            uint b = (uint)bits;
            if ((b & 0x7F80_0000) != 0x7F80_0000 || (b & 0x7F_FFFF) == 0) return false;
            return p.Kind == WastNanKind.Canonical ? (b & 0x7F_FFFF) == 0x40_0000 : (b & 0x40_0000) != 0;
        }
        ulong u = (ulong)bits;
        if ((u & 0x7FF0_0000_0000_0000) != 0x7FF0_0000_0000_0000 || (u & 0xF_FFFF_FFFF_FFFF) == 0) return false;
        return p.Kind == WastNanKind.Canonical ? (u & 0xF_FFFF_FFFF_FFFF) == 0x8_0000_0000_0000 : (u & 0x8_0000_0000_0000) != 0;
    }

    /// <summary>The spec test suite's host module.</summary>
    static Dictionary<string, object> SpecTest(InterpStore store)
    {
        var exports = new Dictionary<string, object>(StringComparer.Ordinal);
        void Print(string name, params ValType[] ps) => exports[name] = store.HostFunction(new FuncType(ps, []), _ => []);
        Print("print");
        Print("print_i32", ValType.I32);
        Print("print_i64", ValType.I64);
        Print("print_f32", ValType.F32);
        Print("print_f64", ValType.F64);
        Print("print_i32_f32", ValType.I32, ValType.F32);
        Print("print_f64_f64", ValType.F64, ValType.F64);
        exports["global_i32"] = store.NewGlobal(new GlobalType(ValType.I32, false), 666);
        exports["global_i64"] = store.NewGlobal(new GlobalType(ValType.I64, false), 666);
        exports["global_f32"] = store.NewGlobal(new GlobalType(ValType.F32, false), BitConverter.SingleToUInt32Bits(666.6f));
        exports["global_f64"] = store.NewGlobal(new GlobalType(ValType.F64, false), BitConverter.DoubleToInt64Bits(666.6));
        exports["table"] = store.NewTable(new TableType(ValType.FuncRef, new Limits(10, 20)), 0);
        exports["table64"] = store.NewTable(new TableType(ValType.FuncRef, new Limits(10, 20, Is64: true)), 0);
        exports["memory"] = store.NewMemory(new MemoryType(new Limits(1, 2)));
        return exports;
    }
}
