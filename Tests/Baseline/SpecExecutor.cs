using Hoist.Compiler;
using Hoist.Runtime;
using Hoist.Runtime.Wast;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Baseline;

/// <summary>
/// Runs the execution commands of a script from Wasmtime's own test suite (modules, register, invoke,
/// assert_return, assert_trap, assert_exhaustion, assert_unlinkable) on the runtime with the baseline
/// compiler. The project's <see cref="WastRunner"/> runs the official suite; these scripts follow Wasmtime's
/// conventions instead, which this executor accepts: named modules
/// are importable without <c>register</c>, some traps have other words, a failing segment may be a link
/// error, and modules the front end cannot load (other proposals, other syntax) are skipped. Validation-only
/// commands are the front end's and are skipped, as are modules that use a feature the baseline tier leaves
/// out (and the commands on them). Values are converted and matched as the project's runner does
/// (<see cref="WastValues"/>), with its spectest module.
/// </summary>
sealed class SpecExecutor : IDisposable
{
    readonly Engine _engine;
    readonly Store _store;
    readonly Linker _linker;
    readonly Dictionary<string, Instance> _instances = [];
    readonly Dictionary<string, Module> _definitions = [];
    readonly HashSet<string> _unavailable = [];
    Instance? _current;
    bool _currentUnsupported;

    public List<string> Failures { get; } = [];
    /// <summary>Commands skipped because the runtime does not support something yet (reported, not failed).</summary>
    public List<string> RuntimeLimits { get; } = [];
    public int Passed { get; private set; }
    public int Skipped { get; private set; }

    public SpecExecutor(Config? config = null)
    {
        _engine = new Engine(config ?? new Config { ParallelCompilation = false });
        _store = new Store(_engine);
        _linker = new Linker(_engine) { AllowShadowing = true };
        SpecTestModule.Define(_linker, _store);
    }

    public void Dispose() => _store.Dispose();

    public void Run(WastScript script)
    {
        foreach (WastCommand command in script.Commands)
        {
            try { RunCommand(command); }
            catch (NotSupportedException e) when (e is not UnsupportedFeatureException)
            {
                // The runtime's own limits (GC and exception references, tags): outside the baseline tier's scope.
                RuntimeLimits.Add($"line {command.Line}: {e.Message}");
                Skipped++;
                if (command is WastModuleCommand) _currentUnsupported = true;
            }
            catch (LinkException e) when (_unavailable.Any(name => e.Message.Contains($": {name}::", StringComparison.Ordinal)))
            {
                // Imports from a registered module that was itself skipped.
                Skipped++;
                if (command is WastModuleCommand) _currentUnsupported = true;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                Fail(command.Line, $"{e.GetType().Name}: {e.Message}");
            }
        }
    }

    void Fail(int line, string message) => Failures.Add($"line {line}: {message}");

    void RunCommand(WastCommand command)
    {
        switch (command)
        {
            case WastModuleCommand { Module: var m }:
                if (m.IsDefinition)
                {
                    if (Compile(m, out _) is Module def && m.Id is not null) _definitions[m.Id] = def;
                    return;
                }
                _current = null;
                _currentUnsupported = false;
                if (Compile(m, out _currentUnsupported) is not Module module) return;
                Instantiate(module, m.Id);
                return;
            case WastModuleInstance mi:
                _current = null;
                if (mi.DefinitionId is null || !_definitions.TryGetValue(mi.DefinitionId, out Module? d)) { Skipped++; return; }
                Instantiate(d, mi.InstanceId);
                return;
            case WastRegister r:
                if (InstanceFor(r.ModuleId) is Instance registered) _linker.DefineInstance(r.Name, registered);
                else _unavailable.Add(r.Name);
                return;
            case WastActionCommand a:
                if (InstanceFor(a.Action.ModuleId) is null) { Skipped++; return; }
                Perform(a.Action);
                Passed++;
                return;
            case WastAssertReturn ar:
                AssertReturn(ar);
                return;
            case WastAssertTrap at:
                AssertTrap(at);
                return;
            case WastAssertExhaustion ae:
                if (InstanceFor(ae.Action.ModuleId) is null) { Skipped++; return; }
                try
                {
                    Perform(ae.Action);
                    Fail(command.Line, $"expected exhaustion \"{ae.Message}\", got a result");
                }
                catch (TrapException e) when (e.IsExhaustion) { Passed++; }
                return;
            case WastAssertUnlinkable au:
                AssertUnlinkable(au);
                return;
            default:
                Skipped++;
                return;
        }
    }

    Module? Compile(WastModule m, out bool unsupported)
    {
        unsupported = false;
        WasmModule? model = BaselineHarness.ModelOf(m);
        if (model is null)
        {
            unsupported = true;
            Skipped++;
            return null;
        }
        try
        {
            return new Module(_engine, ModuleEncoder.Encode(model));
        }
        catch (Exception e) when (e is UnsupportedFeatureException or WasmException)
        {
            // A feature the tier leaves out, or a module the front end cannot load (another proposal or syntax).
            unsupported = true;
            Skipped++;
            return null;
        }
    }

    void Instantiate(Module module, string? id)
    {
        Instance instance = _linker.Instantiate(_store, module);
        _current = instance;
        if (id is not null)
        {
            _instances[id] = instance;
            // Wasmtime's scripts import from a named module without registering it.
            _linker.DefineInstance(id.TrimStart('$'), instance);
        }
        Passed++;
    }

    Instance? InstanceFor(string? id)
    {
        if (id is null) return _currentUnsupported ? null : _current;
        return _instances.GetValueOrDefault(id);
    }

    Value[] Perform(WastAction action)
    {
        Instance instance = InstanceFor(action.ModuleId) ?? throw new InvalidOperationException("no module instance");
        switch (action)
        {
            case WastInvoke inv:
                Func f = instance.GetFunc(inv.Name);
                var args = new Value[inv.Args.Count];
                for (int i = 0; i < args.Length; i++) args[i] = WastValues.ToValue(inv.Args[i]);
                return f.Invoke(args);
            case WastGet g:
                return [instance.GetGlobal(g.Name).Value];
            default:
                throw new InvalidOperationException($"unknown action {action}");
        }
    }

    void AssertReturn(WastAssertReturn ar)
    {
        if (InstanceFor(ar.Action.ModuleId) is null) { Skipped++; return; }
        if (ar.Expected.Any(e => e is WastV128)) { Skipped++; return; }
        Value[] results;
        try { results = Perform(ar.Action); }
        catch (TrapException e)
        {
            Fail(ar.Line, $"{ar.Action.Name}: trapped ({e.Code.Message()}) instead of returning");
            return;
        }
        if (results.Length != ar.Expected.Count)
        {
            Fail(ar.Line, $"{ar.Action.Name}: {results.Length} results, expected {ar.Expected.Count}");
            return;
        }
        for (int i = 0; i < results.Length; i++)
        {
            if (!WastValues.Matches(results[i], ar.Expected[i]))
            {
                Fail(ar.Line, $"{ar.Action.Name}: result {i} is {results[i]}, expected {ar.Expected[i]}");
                return;
            }
        }
        Passed++;
    }

    void AssertTrap(WastAssertTrap at)
    {
        if (at.Module is not null)
        {
            if (Compile(at.Module, out _) is not Module module) return;
            try
            {
                _linker.Instantiate(_store, module);
                Fail(at.Line, $"expected the instantiation to trap with \"{at.Message}\"");
            }
            catch (TrapException e) { CheckTrap(at.Line, e, at.Message); }
            return;
        }
        if (InstanceFor(at.Action!.ModuleId) is null) { Skipped++; return; }
        try
        {
            Value[] r = Perform(at.Action);
            Fail(at.Line, $"{at.Action.Name}: expected trap \"{at.Message}\", got [{string.Join(", ", r)}]");
        }
        catch (TrapException e) { CheckTrap(at.Line, e, at.Message); }
    }

    void CheckTrap(int line, TrapException e, string expected)
    {
        string actual = e.Code.Message();
        if (actual.StartsWith(expected, StringComparison.Ordinal) || expected.StartsWith(actual, StringComparison.Ordinal)
            || SameTrapInOtherWords(actual, expected)) Passed++;
        else Fail(line, $"trapped with \"{actual}\", expected \"{expected}\"");
    }

    /// <summary>Wasmtime's wording of some traps differs from the spec's (which the runtime uses).</summary>
    static bool SameTrapInOtherWords(string actual, string expected) =>
        actual.Contains(expected, StringComparison.Ordinal)
        || (expected.StartsWith("out of bounds", StringComparison.Ordinal) && actual == "undefined element")
        || (expected == "undefined element" && actual == "out of bounds table access");

    void AssertUnlinkable(WastAssertUnlinkable au)
    {
        if (Compile(au.Module, out _) is not Module module) return;
        try
        {
            _linker.Instantiate(_store, module);
            Fail(au.Line, $"expected link error \"{au.Message}\"");
        }
        catch (LinkException) { Passed++; }
        catch (TrapException) { Passed++; } // wasmtime calls a failing segment a link error
    }
}
