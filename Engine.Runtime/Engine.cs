using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Hoist.Compiler;
using Hoist.Runtime.Native;
using Hoist.Runtime.Trampolines;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Runtime;

/// <summary>
/// The shared, thread-safe context of modules and stores: the <see cref="Config"/>, the compiler it
/// selects, the engine-wide <see cref="TypeRegistry"/> (so canonical type ids compare across every module
/// and host function of the engine), the generated trampolines, and the epoch counter. Modules and stores
/// of one engine work together; never mix engines.
/// </summary>
public sealed unsafe class Engine
{
    readonly Lazy<ICompiler> _compiler;
    readonly ConcurrentDictionary<FuncTypeKey, int> _hostTypes = new();
    readonly NativeCounter _epoch = new();

    public Engine(Config? config = null) : this(config ?? new Config(), null) { }

    /// <summary>An engine that compiles with <paramref name="compiler"/> instead of the one <see cref="Config.Strategy"/> selects (tests, tools).</summary>
    internal Engine(Config config, ICompiler? compiler)
    {
        config.Validate();
        if (compiler is null) CompilerSelection.CheckAvailable(config.Strategy);
        Config = config;
        _compiler = new Lazy<ICompiler>(() => compiler ?? CompilerSelection.Create(config.Strategy));
        Trampolines = new TrampolineCache(config.MaxWasmStack);
        if (config.GuardPages)
        {
            if (GuardPageTraps.TryInstall(out string? failure)) MemoryGuardBytes = config.MemoryGuardSize;
            else GuardPagesUnavailable = failure;
        }
    }

    /// <summary>
    /// True when this engine's 32-bit memories are guarded and accessed without explicit bounds checks
    /// (<see cref="Config.GuardPages"/> was asked for and the signal handler is installed).
    /// </summary>
    public bool GuardPagesEnabled => MemoryGuardBytes != 0;

    /// <summary>Why <see cref="Config.GuardPages"/> was asked for but is not in effect (null otherwise).</summary>
    public string? GuardPagesUnavailable { get; }

    /// <summary>The guard region of guarded memories (<see cref="MemoryGuardPolicy"/>); 0 = explicit checks everywhere.</summary>
    internal ulong MemoryGuardBytes { get; }

    /// <summary>
    /// The guard region each memory of <paramref name="module"/> (imported, then defined) gets in this engine, as the
    /// compilers see it (<see cref="CompileInput.MemoryGuardBytes"/>): 0 where accesses keep explicit bounds checks.
    /// For tools that compile outside <see cref="Module"/> (<c>hoist objdump --ir</c>).
    /// </summary>
    public ulong[] MemoryGuardBytesFor(WasmModule module) => Module.GuardBytesByMemory(module, MemoryGuardBytes);

    public Config Config { get; }

    /// <summary>The engine-wide registry of canonical types.</summary>
    public TypeRegistry Types { get; } = new();

    internal ICompiler Compiler => _compiler.Value;

    internal TrampolineCache Trampolines { get; }

    /// <summary>The address of the engine's epoch counter (u64), which store contexts point to.</summary>
    internal nint EpochCounterAddress => _epoch.Address;

    /// <summary>The current epoch.</summary>
    public ulong Epoch => Volatile.Read(ref *(ulong*)_epoch.Address);

    /// <summary>Advances the epoch; code compiled with <see cref="Config.EpochInterruption"/> traps once it passes its store's deadline.</summary>
    public void IncrementEpoch() => Interlocked.Increment(ref *(ulong*)_epoch.Address);

    /// <summary>
    /// The canonical id of a function type given with abstract heap types only (host functions): a final
    /// type in a rec group of its own, as a module's plain <c>(func ...)</c> type is, so they are equivalent.
    /// </summary>
    internal int CanonicalFuncType(FuncType type) =>
        _hostTypes.GetOrAdd(new FuncTypeKey(type), static (key, registry) =>
        {
            foreach (var t in key.Type.Params.Concat(key.Type.Results))
                if (t.IsRef && t.Heap.IsConcrete)
                    throw new ArgumentException($"a host function type may only use abstract reference types, not {t}");
            Span<int> id = stackalloc int[1];
            registry.CanonicalizeGroup([new SubType(true, [], key.Type)], 0, 1, id);
            return id[0];
        }, Types);

    /// <summary>The function type of canonical id <paramref name="id"/> (concrete heap types are canonical ids).</summary>
    internal FuncType FuncTypeOf(int id) => (FuncType)Types[id].Composite;

    /// <summary>Structural equality of function types, for the host type cache.</summary>
    readonly record struct FuncTypeKey(FuncType Type)
    {
        public bool Equals(FuncTypeKey other) => Type.SignatureEquals(other.Type);
        public override int GetHashCode()
        {
            var h = new HashCode();
            foreach (var p in Type.Params) h.Add(p);
            h.Add(-1);
            foreach (var r in Type.Results) h.Add(r);
            return h.ToHashCode();
        }
    }

    /// <summary>A native u64 freed with the engine.</summary>
    sealed class NativeCounter
    {
        public readonly nint Address = (nint)NativeMemory.AllocZeroed(8);
        ~NativeCounter() => NativeMemory.Free((void*)Address);
    }
}
