using Hoist.Runtime.Host;
using Hoist.Vm;

namespace Hoist.Runtime.Builtins;

/// <summary>
/// How builtins report: a wasm trap writes its code into the store context and returns it (the compiled
/// caller then branches to its trap path); an unexpected .NET exception (a runtime bug, never a wasm
/// error) must not escape the <c>[UnmanagedCallersOnly]</c> frame, so it becomes a host-error trap whose
/// cause is the exception.
/// </summary>
internal static unsafe class BuiltinFailure
{
    public static uint Trap(Instance instance, TrapCode code)
    {
        *(uint*)(instance.Store.Context + VmStoreContext.TrapCode) = (uint)code;
        return (uint)code;
    }

    public static uint Unexpected(nint vmctx, Exception e)
    {
        try
        {
            Instance instance = Instance.FromVmContext(vmctx);
            return (uint)HostDispatcher.RecordFailure(instance.Store.Context, instance.Store, e);
        }
        catch
        {
            return (uint)TrapCode.HostError;
        }
    }
}
