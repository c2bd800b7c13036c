using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Runtime.Wast;

/// <summary>
/// Executes the commands of one script on an engine: modules are compiled and instantiated against a
/// linker holding <c>spectest</c> and every registered instance; actions run; assertions compare.
/// Rules beyond the validate-only ones (<see cref="WastRunner"/>):
/// <list type="bullet">
/// <item>a trap's message matches when one of the two messages starts with the other (the suite writes
///   "uninitialized element 2" where the trap is "uninitialized element");</item>
/// <item><c>assert_exhaustion</c> needs a stack-exhaustion trap; <c>assert_unlinkable</c> a <see cref="LinkException"/>;</item>
/// <item>an unexpected exception of any kind fails the directive and the script goes on.</item>
/// </list>
/// </summary>
internal sealed class WastExecutor : IDisposable
{
    readonly Engine _engine;
    readonly Store _store;
    readonly Linker _linker;
    readonly string _path;
    readonly Dictionary<string, Instance> _named = new(StringComparer.Ordinal);
    readonly Dictionary<string, Module> _definitions = new(StringComparer.Ordinal);
    Instance? _current;

    public WastExecutor(Engine engine, string path)
    {
        _engine = engine;
        _path = path;
        _store = new Store(engine);
        _linker = new Linker(engine) { AllowShadowing = true };
        SpecTestModule.Define(_linker, _store);
    }

    public void Dispose() => _store.Dispose();

    /// <summary>Runs one command; returns null when it passed, else what went wrong.</summary>
    public string? Run(WastCommand command)
    {
        try { return RunCore(command); }
        catch (WasmException e) { return $"unexpected {Describe(e)}"; }
        catch (Exception e) { return $"internal error: {e.GetType().Name}: {e.Message}"; }
    }

    string? RunCore(WastCommand command)
    {
        switch (command)
        {
            case WastModuleCommand { Module: var m }:
            {
                var module = Compile(m);
                if (m.IsDefinition)
                {
                    if (m.Id is { } defId) _definitions[defId] = module;
                    return null;
                }
                Remember(m.Id, _linker.Instantiate(_store, module));
                return null;
            }
            case WastModuleInstance mi:
            {
                if (mi.DefinitionId is null || !_definitions.TryGetValue(mi.DefinitionId, out var def))
                    return $"unknown module definition {mi.DefinitionId}";
                Remember(mi.InstanceId, _linker.Instantiate(_store, def));
                return null;
            }
            case WastRegister r:
                _linker.DefineInstance(r.Name, Find(r.ModuleId));
                return null;
            case WastActionCommand a:
                Perform(a.Action);
                return null;
            case WastAssertReturn a:
            {
                var results = Perform(a.Action);
                if (results.Length != a.Expected.Count)
                    return $"expected {a.Expected.Count} results, got {results.Length}";
                for (int i = 0; i < results.Length; i++)
                    if (!WastValues.Matches(results[i], a.Expected[i]))
                        return $"result {i}: expected {a.Expected[i]}, got {WastValues.Describe(results[i])}";
                return null;
            }
            case WastAssertTrap a:
                return ExpectTrap(a.Message, () =>
                {
                    if (a.Action is { } action) Perform(action);
                    else _linker.Instantiate(_store, Compile(a.Module!));
                });
            case WastAssertExhaustion a:
                return ExpectTrap(a.Message, () => Perform(a.Action), exhaustion: true);
            case WastAssertUnlinkable a:
            {
                var module = Compile(a.Module);
                try
                {
                    _linker.Instantiate(_store, module);
                    return $"instantiation succeeded, expected a link error \"{a.Message}\"";
                }
                catch (LinkException e)
                {
                    return MessagesAgree(e.Message, a.Message) ? null : $"link error \"{e.Message}\", expected \"{a.Message}\"";
                }
            }
            case WastAssertException a:
                return ExpectThrow(() => Perform(a.Action));
            default:
                return $"unsupported command {command.GetType().Name}";
        }
    }

    Module Compile(WastModule m)
    {
        byte[] bytes = m switch
        {
            WastTextModule { Error: { } e } => throw e,
            WastTextModule t => FrontEnd.Encode(t.Module!),
            WastQuoteModule q => FrontEnd.Encode(WatParser.ParseQuoted(q.Text, _path)),
            WastBinaryModule b => b.Bytes,
            _ => throw new InvalidOperationException("unknown module form"),
        };
        return new Module(_engine, bytes, _path);
    }

    void Remember(string? id, Instance instance)
    {
        _current = instance;
        if (id is not null) _named[id] = instance;
    }

    Instance Find(string? id) =>
        id is null
            ? _current ?? throw new InvalidOperationException("no module has been instantiated")
            : _named.TryGetValue(id, out var i) ? i : throw new InvalidOperationException($"unknown module {id}");

    Value[] Perform(WastAction action)
    {
        var instance = Find(action.ModuleId);
        switch (action)
        {
            case WastInvoke inv:
                var args = new Value[inv.Args.Count];
                for (int i = 0; i < args.Length; i++) args[i] = WastValues.ToValue(inv.Args[i]);
                return instance.GetFunc(inv.Name).Invoke(args);
            case WastGet get:
                return [instance.GetGlobal(get.Name).Value];
            default:
                throw new InvalidOperationException("unknown action");
        }
    }

    static string? ExpectTrap(string expected, Action run, bool exhaustion = false)
    {
        try
        {
            run();
            return $"no trap, expected \"{expected}\"";
        }
        catch (TrapException e)
        {
            if (exhaustion && e.Code != TrapCode.StackOverflow) return $"trap \"{e.Message}\", expected stack exhaustion";
            return MessagesAgree(e.Message, expected) ? null : $"trap \"{e.Message}\", expected \"{expected}\"";
        }
    }

    /// <summary>No tier implements exception handling yet, so an expected wasm exception is always a failure.</summary>
    static string ExpectThrow(Action run)
    {
        try
        {
            run();
            return "no exception was thrown (exception handling is not implemented)";
        }
        catch (WasmException e) { return $"{Describe(e)} instead of a wasm exception (exception handling is not implemented)"; }
    }

    static bool MessagesAgree(string actual, string expected) =>
        actual.StartsWith(expected, StringComparison.Ordinal) || expected.StartsWith(actual, StringComparison.Ordinal);

    static string Describe(WasmException e) => e switch
    {
        TrapException t => $"trap \"{t.Message}\"",
        LinkException l => $"link error \"{l.Message}\"",
        _ => $"{e.GetType().Name.Replace("Exception", "").ToLowerInvariant()} module: {e.Message}",
    };
}
