using System.Runtime.InteropServices;
using Hoist.Vm;

namespace Hoist.Runtime.Builtins;

/// <summary>The builtins of calls and interruption (see <see cref="BuiltinId"/> for the signatures).</summary>
internal static unsafe class ControlBuiltins
{
    /// <summary>call_indirect to a non-final expected type: is the callee's canonical type a subtype of it?</summary>
    [UnmanagedCallersOnly]
    public static uint IsSubtype(nint vmctx, uint expectedTypeId, nint callee)
    {
        try
        {
            int actual = (int)*(ulong*)(callee + VmFuncRef.TypeId);
            return Instance.FromVmContext(vmctx).Store.Engine.Types.IsSubtype(actual, (int)expectedTypeId) ? 1u : 0u;
        }
        catch (Exception e) { BuiltinFailure.Unexpected(vmctx, e); return 0; }
    }

    /// <summary>
    /// Called when fuel ran out (<see cref="VmStoreContext.Fuel"/> below zero) or the epoch reached the
    /// deadline: returns the trap. (An embedder policy other than trapping, such as refuelling, would go here.)
    /// </summary>
    [UnmanagedCallersOnly]
    public static uint OutOfFuelOrEpoch(nint vmctx)
    {
        try
        {
            Instance inst = Instance.FromVmContext(vmctx);
            nint ctx = inst.Store.Context;
            Config config = inst.Store.Engine.Config;
            if (config.ConsumeFuel && *(long*)(ctx + VmStoreContext.Fuel) < 0) return BuiltinFailure.Trap(inst, TrapCode.OutOfFuel);
            if (config.EpochInterruption && *(ulong*)*(nint*)(ctx + VmStoreContext.EpochCounter) >= *(ulong*)(ctx + VmStoreContext.EpochDeadline))
                return BuiltinFailure.Trap(inst, TrapCode.Interrupted);
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }
}
