using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hoist.Runtime.Trampolines;
using Hoist.Runtime.Values;
using Hoist.Vm;

namespace Hoist.Runtime.Host;

/// <summary>
/// The one entry point from wasm into .NET host functions, called by every <see cref="HostTrampoline"/>.
/// </summary>
/// <remarks>
/// An exception escaping an <c>[UnmanagedCallersOnly]</c> method aborts the process, so it catches every
/// exception: it records the trap code in the store context (the TrapException's own code when a nested
/// wasm call trapped, else <see cref="TrapCode.HostError"/>), keeps the exception in the store as the
/// trap's cause, and returns 1; the trampoline then unwinds to the entry trampoline.
/// </remarks>
internal static unsafe class HostDispatcher
{
    public static readonly nint Address = (nint)(delegate* unmanaged<nint, nint, nint, int>)&Dispatch;

    [UnmanagedCallersOnly]
    static int Dispatch(nint handle, nint hostBlock, nint slots)
    {
        HostBinding? binding = null;
        try
        {
            binding = (HostBinding)GCHandle.FromIntPtr(handle).Target!;
            binding.Function.Callback(binding.Store, new Span<ValueSlot>((void*)slots, binding.Function.SlotCount));
            return 0;
        }
        catch (Exception e)
        {
            Fail(hostBlock, binding?.Store, e);
            return 1;
        }
    }

    /// <summary>Records a failure of host code (a host function or a builtin); never throws.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Fail(nint hostBlock, Store? store, Exception e)
    {
        nint storeContext = *(nint*)(hostBlock + HostContextLayout.StoreContext);
        RecordFailure(storeContext, store, e);
    }

    /// <summary>Writes the trap code of <paramref name="e"/> into the store context and keeps <paramref name="e"/> as the cause; never throws.</summary>
    internal static TrapCode RecordFailure(nint storeContext, Store? store, Exception e)
    {
        TrapCode code = e is TrapException t ? t.Code : TrapCode.HostError;
        *(uint*)(storeContext + VmStoreContext.TrapCode) = (uint)code;
        if (store is not null) store.PendingHostException = e;
        return code;
    }
}
