using Hoist.Vm;

namespace Hoist.Runtime.Native;

/// <summary>
/// The native per-store block: the shared <see cref="VmStoreContext"/> fields that compiled code reads,
/// followed by fields only the runtime and its trampolines use. Compiled code never reads past
/// <see cref="VmStoreContext.Size"/>, so these can change without touching the compilers.
/// </summary>
internal static class StoreContextLayout
{
    /// <summary>
    /// The lowest stack limit the outermost entry may set (u64): the current thread's stack bottom plus
    /// <see cref="Config.HostStackReserve"/>, written by the runtime before an outermost call.
    /// </summary>
    public const int StackFloor = VmStoreContext.Size;
    /// <summary>u64* buffer the trap path fills with return addresses (innermost first).</summary>
    public const int BacktraceBuffer = StackFloor + 8;
    /// <summary>Capacity of the backtrace buffer in entries (u64).</summary>
    public const int BacktraceCapacity = BacktraceBuffer + 8;
    /// <summary>Entries the last trap wrote (u64).</summary>
    public const int BacktraceCount = BacktraceCapacity + 8;
    /// <summary>
    /// Non-zero when the last trap was a fault caught by the signal handler (u64): its TrapPc is then the
    /// faulting instruction itself, not a return address (see <see cref="FaultHandlerCode"/>). Cleared when read.
    /// </summary>
    public const int TrapAtFault = BacktraceCount + 8;
    public const int Size = TrapAtFault + 8;
}
