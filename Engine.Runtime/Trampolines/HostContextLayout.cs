using Hoist.Vm;

namespace Hoist.Runtime.Trampolines;

/// <summary>
/// The native block behind a host-defined function: what its import entries, table elements and
/// funcref values point to. It starts with the function's <see cref="VmFuncRef"/> (so a pointer to the
/// block is the funcref), whose VMContext is the block itself: when wasm calls the function, r14 holds
/// the block, and the function's <see cref="HostTrampoline"/> reads the store and the host function
/// from it. Owned and freed by the <see cref="Store"/>.
/// </summary>
internal static class HostContextLayout
{
    /// <summary>The function's VMFuncRef { code = the host trampoline, type id, vmctx = this block }.</summary>
    public const int FuncRef = 0;
    /// <summary>The store's native context block (VmStoreContext*).</summary>
    public const int StoreContext = VmFuncRef.Size;
    /// <summary>The GCHandle (as an integer) of the <see cref="Host.HostFunction"/> to run.</summary>
    public const int FunctionHandle = StoreContext + 8;
    public const int Size = FunctionHandle + 8;
}
