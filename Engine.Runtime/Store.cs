using System.Runtime.InteropServices;
using Hoist.Runtime.Host;
using Hoist.Runtime.Linking;
using Hoist.Runtime.Native;
using Hoist.Runtime.Traps;
using Hoist.Runtime.Values;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// The owner of all runtime state of a group of instances: their VMContexts, memories, tables, globals and
/// host functions, the externref objects wasm holds, and the native store context (stack limit, trap
/// record, fuel, epoch deadline) their code shares. Everything is freed together by <see cref="Dispose"/>.
/// </summary>
/// <remarks>
/// A store is single-threaded: one thread at a time may use it and the objects in it (different stores
/// may run on different threads at once). Nothing in it is freed before <see cref="Dispose"/>, because
/// wasm may keep references (funcrefs in tables of other instances, externrefs) the runtime does not trace.
/// </remarks>
public sealed unsafe class Store : IDisposable
{
    readonly ExternRefTable _externs = new();
    readonly Dictionary<nint, Func> _funcs = [];
    readonly Dictionary<HostFunction, Func> _boundHostFunctions = new(ReferenceEqualityComparer.Instance);
    readonly List<Instance> _instances = [];
    readonly List<nint> _nativeBlocks = [];
    readonly List<GCHandle> _handles = [];
    readonly List<IDisposable> _resources = [];
    readonly List<ModuleCode> _codes = [];
    nint _context;
    bool _disposed;

    public Store(Engine engine)
    {
        Engine = engine;
        _context = AllocateNative(StoreContextLayout.Size);
        // The trap pc is the first frame; the buffer holds the return addresses of the others.
        int returnAddresses = engine.Config.MaxBacktraceFrames - 1;
        *(nint*)(_context + StoreContextLayout.BacktraceBuffer) = AllocateNative(8 * returnAddresses);
        *(ulong*)(_context + StoreContextLayout.BacktraceCapacity) = (ulong)returnAddresses;
        *(nint*)(_context + VmStoreContext.EpochCounter) = engine.EpochCounterAddress;
        *(ulong*)(_context + VmStoreContext.EpochDeadline) = ulong.MaxValue;
    }

    public Engine Engine { get; }

    /// <summary>The native store context every VMContext of this store points to.</summary>
    internal nint Context
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _context;
        }
    }

    /// <summary>Remaining fuel, when the engine's <see cref="Config.ConsumeFuel"/> is on; code traps with "all fuel consumed" when it runs out.</summary>
    public long Fuel
    {
        get => *(long*)(Context + VmStoreContext.Fuel);
        set => *(long*)(Context + VmStoreContext.Fuel) = value;
    }

    /// <summary>With <see cref="Config.EpochInterruption"/>: code traps ("interrupted") once the engine's epoch reaches now + <paramref name="ticks"/>.</summary>
    public void SetEpochDeadline(ulong ticks)
    {
        ulong now = Engine.Epoch;
        *(ulong*)(Context + VmStoreContext.EpochDeadline) = ticks > ulong.MaxValue - now ? ulong.MaxValue : now + ticks;
    }

    /// <summary>The instances created in this store (including ones whose instantiation trapped).</summary>
    public IReadOnlyList<Instance> Instances => _instances;

    /// <summary>The exception a host function threw, kept until the trap it caused is reported.</summary>
    internal Exception? PendingHostException { get; set; }

    /// <summary>True while wasm code of this store is on the stack.</summary>
    internal bool IsRunning => *(nint*)(Context + VmStoreContext.EntryStackPointer) != 0;

    // ---- Ownership of native resources ----

    /// <summary>Zeroed, 16-aligned native memory freed with the store.</summary>
    internal nint AllocateNative(int size)
    {
        nint p = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(size, 16), 16);
        NativeMemory.Clear((void*)p, (nuint)Math.Max(size, 16));
        _nativeBlocks.Add(p);
        return p;
    }

    /// <summary>A GCHandle freed with the store; native code holds it as an integer.</summary>
    internal nint AllocateHandle(object target)
    {
        var h = GCHandle.Alloc(target);
        _handles.Add(h);
        return GCHandle.ToIntPtr(h);
    }

    internal void Own(IDisposable resource) => _resources.Add(resource);

    internal void AddInstance(Instance instance) => _instances.Add(instance);

    /// <summary>Holds <paramref name="code"/> (already referenced) until the store is disposed.</summary>
    internal void HoldCode(ModuleCode code) => _codes.Add(code);

    internal void CheckSameStore(Extern e)
    {
        if (!ReferenceEquals(e.Store, this)) throw new ArgumentException($"the {e.Kind.ToString().ToLowerInvariant()} belongs to another store");
    }

    // ---- Functions and references ----

    /// <summary>Records the Func object of a funcref, so every funcref maps back to one object.</summary>
    internal void Register(Func f) => _funcs[f.FuncRef] = f;

    /// <summary>The function a VMFuncRef* of this store refers to (null for 0).</summary>
    internal Func? FuncFromRef(nint funcRef)
    {
        if (funcRef == 0) return null;
        if (_funcs.TryGetValue(funcRef, out Func? f)) return f;
        f = new Func(this, funcRef, (int)*(ulong*)(funcRef + VmFuncRef.TypeId));
        _funcs.Add(funcRef, f);
        return f;
    }

    /// <summary>The Func of a host function definition in this store, made on first use.</summary>
    internal Func Bind(HostFunction host)
    {
        if (!ReferenceEquals(host.Engine, Engine)) throw new ArgumentException("the host function belongs to another engine");
        if (_boundHostFunctions.TryGetValue(host, out Func? f)) return f;
        nint block = AllocateNative(Trampolines.HostContextLayout.Size);
        *(nint*)(block + VmFuncRef.Code) = Engine.Trampolines.Host(host.TypeId, host.Type);
        *(ulong*)(block + VmFuncRef.TypeId) = (ulong)host.TypeId;
        *(nint*)(block + VmFuncRef.VmContext) = block;
        *(nint*)(block + Trampolines.HostContextLayout.StoreContext) = Context;
        *(nint*)(block + Trampolines.HostContextLayout.FunctionHandle) = AllocateHandle(new HostBinding(this, host));
        f = new Func(this, block, host.TypeId);
        Register(f);
        _boundHostFunctions.Add(host, f);
        return f;
    }

    internal ulong ExternHandle(object? o) => _externs.HandleOf(o);

    internal object? ExternObject(ulong handle) => _externs.ObjectOf(handle);

    // ---- Traps ----

    /// <summary>Before an entry from .NET: on the outermost one, the stack floor of the current thread.</summary>
    internal void PrepareEntry()
    {
        nint ctx = Context;
        if (*(nint*)(ctx + VmStoreContext.EntryStackPointer) != 0) return;
        nint low = ThreadStack.Low;
        *(nint*)(ctx + StoreContextLayout.StackFloor) = low == 0 ? 0 : low + Engine.Config.HostStackReserve;
    }

    /// <summary>After an entry returned "trapped": the trap as an exception, built from the trap record, which is then cleared.</summary>
    internal TrapException TakeTrap()
    {
        nint ctx = Context;
        var code = (TrapCode)(*(uint*)(ctx + VmStoreContext.TrapCode));
        nint pc = *(nint*)(ctx + VmStoreContext.TrapPc);
        int count = (int)*(ulong*)(ctx + StoreContextLayout.BacktraceCount);
        var returnAddresses = new ReadOnlySpan<nint>((void*)*(nint*)(ctx + StoreContextLayout.BacktraceBuffer), count);
        *(uint*)(ctx + VmStoreContext.TrapCode) = 0;
        bool atFault = *(ulong*)(ctx + StoreContextLayout.TrapAtFault) != 0;   // a guard-page fault: pc is the instruction
        *(ulong*)(ctx + StoreContextLayout.TrapAtFault) = 0;
        Exception? pending = PendingHostException;
        PendingHostException = null;

        if (code == TrapCode.None) code = Backtraces.TrapCodeAt(pc, atFault);
        WasmFrame[] frames = Backtraces.Resolve(pc, returnAddresses, atFault);
        if (pending is TrapException inner) return inner.WithOuterFrames(frames);
        return new TrapException(code, frames, pending, CodeRegistry.Find(pc - 1)?.File);
    }

    // ---- Values ----

    /// <summary>A value as a native slot, checked against <paramref name="expected"/> (a canonical type).</summary>
    internal ValueSlot ToSlot(in Value v, ValType expected)
    {
        if (!expected.IsRef)
        {
            if (v.Type.Kind != expected.Kind) throw new ArgumentException($"expected a {expected} value, got {v.Type}");
            return new ValueSlot(v.Low, v.High);
        }
        if (!v.Type.IsRef) throw new ArgumentException($"expected a {expected} value, got {v.Type}");
        return new ValueSlot(RefToRaw(v.Reference, IsFuncHierarchy(v.Type.Heap), expected));
    }

    /// <summary>A reference (a Func for the func hierarchy, any object for extern) as its raw u64, checked against <paramref name="expected"/>.</summary>
    internal ulong RefToRaw(object? reference, bool isFunc, ValType expected)
    {
        bool expectFunc = IsFuncHierarchy(expected.Heap);
        if (reference is null)
        {
            if (!expected.Nullable) throw new ArgumentException($"null is not a value of {expected}");
            if (isFunc != expectFunc) throw new ArgumentException($"expected a {expected} value");
            return 0;
        }
        if (expectFunc)
        {
            if (reference is not Func f) throw new ArgumentException($"expected a {expected} value, got {reference.GetType().Name}");
            CheckSameStore(f);
            HeapType h = expected.Heap;
            if (h == HeapType.NoFunc || (h.IsConcrete && !Engine.Types.IsSubtype(f.TypeId, h.Code)))
                throw new ArgumentException($"the function's type is not a subtype of {expected}");
            return (ulong)f.FuncRef;
        }
        if (expected.Heap == HeapType.NoExtern) throw new ArgumentException($"only null is a value of {expected}");
        return ExternHandle(reference);
    }

    /// <summary>A native slot as a value of canonical type <paramref name="type"/>.</summary>
    internal Value FromSlot(in ValueSlot s, ValType type) => type.Kind switch
    {
        ValKind.I32 => Value.I32((int)(uint)s.Lo),
        ValKind.I64 => Value.I64((long)s.Lo),
        ValKind.F32 => Value.F32Bits((uint)s.Lo),
        ValKind.F64 => Value.F64Bits(s.Lo),
        ValKind.V128 => Value.V128(new Hoist.Wasm.Binary.V128(s.Lo, s.Hi)),
        ValKind.Ref => IsFuncHierarchy(type.Heap) ? Value.FuncRef(FuncFromRef((nint)s.Lo)) : Value.ExternRef(ExternObject(s.Lo)),
        _ => throw new NotSupportedException($"values of type {type}"),
    };

    /// <summary>Func hierarchy (func, nofunc, concrete function types) or extern; the GC and exception hierarchies are not supported yet.</summary>
    internal bool IsFuncHierarchy(HeapType h)
    {
        if (h == HeapType.Func || h == HeapType.NoFunc) return true;
        if (h == HeapType.Extern || h == HeapType.NoExtern) return false;
        if (h.IsConcrete && Engine.Types[h.Code].Kind == CompositeKind.Func) return true;
        throw new NotSupportedException($"references of heap type {h} (GC and exception references are not supported yet)");
    }

    // ---- Lifetime ----

    public void Dispose()
    {
        if (_disposed) return;
        if (IsRunning) throw new InvalidOperationException("a store cannot be disposed while its wasm code is running");
        _disposed = true;
        foreach (var r in _resources) r.Dispose();
        foreach (var c in _codes) c.Release();
        foreach (var h in _handles) h.Free();
        foreach (var p in _nativeBlocks) NativeMemory.AlignedFree((void*)p);
        _resources.Clear();
        _codes.Clear();
        _handles.Clear();
        _nativeBlocks.Clear();
        _funcs.Clear();
        _boundHostFunctions.Clear();
        _context = 0;
    }

    internal bool IsDisposed => _disposed;

    /// <summary>Guards every access to native state of the store's objects, which Dispose frees.</summary>
    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
