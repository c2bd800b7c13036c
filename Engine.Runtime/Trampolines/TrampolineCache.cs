using System.Collections.Concurrent;
using Hoist.Isa;
using Hoist.Runtime.Host;
using Hoist.Runtime.Native;
using Hoist.Wasm;

namespace Hoist.Runtime.Trampolines;

/// <summary>
/// The engine's generated trampolines, one entry and one host trampoline per canonical function type,
/// made on first use. Thread-safe: lookups are lock-free, generation takes a lock so each is made once.
/// Trampolines are never part of a compiled artifact and live as long as the engine (their code pages are
/// freed by the finalizer, once no store or module of the engine can run them).
/// </summary>
internal sealed class TrampolineCache(int maxWasmStack)
{
    readonly ConcurrentDictionary<int, nint> _entry = new();
    readonly ConcurrentDictionary<int, nint> _host = new();
    readonly List<CodeMemory> _code = [];
    readonly object _gate = new();

    /// <summary>The entry trampoline for functions of canonical type <paramref name="typeId"/> (<paramref name="type"/>).</summary>
    public nint Entry(int typeId, FuncType type) =>
        _entry.TryGetValue(typeId, out nint p) ? p : Make(_entry, typeId, () => EntryTrampoline.Emit(type, maxWasmStack));

    /// <summary>The wasm-to-host trampoline for host functions of canonical type <paramref name="typeId"/>.</summary>
    public nint Host(int typeId, FuncType type) =>
        _host.TryGetValue(typeId, out nint p) ? p : Make(_host, typeId, () => HostTrampoline.Emit(type, HostDispatcher.Address));

    nint Make(ConcurrentDictionary<int, nint> map, int typeId, Func<MachineCode> emit)
    {
        lock (_gate)
        {
            if (map.TryGetValue(typeId, out nint p)) return p;
            var mem = new CodeMemory(emit().Bytes);
            _code.Add(mem);
            map[typeId] = mem.Base;
            return mem.Base;
        }
    }

    ~TrampolineCache()
    {
        foreach (var mem in _code) mem.Dispose();
    }
}
