using System.Runtime.InteropServices;

namespace Hoist.Runtime.Native;

/// <summary>
/// Installs, once per process, the signal handler that lets guarded linear memories go without explicit
/// bounds checks (<see cref="FaultHandlerCode"/>). Linux x86-64 only; anywhere else, or if sigaction fails,
/// <see cref="TryInstall"/> says why and engines fall back to explicit checks.
/// </summary>
/// <remarks>
/// Per signal (SIGSEGV, SIGBUS) the new action copies the replaced one's mask and flags (.NET sets
/// SA_ONSTACK for SIGSEGV: its handler expects the alternate stack) and adds SA_SIGINFO; SA_RESETHAND is
/// dropped, or the first wasm fault would uninstall the handler. The replaced handler is recorded before
/// ours is installed, so a fault at any moment is either handled by the old handler or chained to it.
/// Nothing is ever uninstalled: the code and state live as long as the process.
/// </remarks>
internal static unsafe class GuardPageTraps
{
    static readonly object s_gate = new();
    static bool s_tried;
    static string? s_failure;

    /// <summary>The handler code (for tests that check where a pc lies); 0 until installed.</summary>
    internal static nint HandlerAddress { get; private set; }

    /// <summary>Installs the handler if not done yet; false (with the reason) if it cannot be.</summary>
    public static bool TryInstall(out string? failure)
    {
        lock (s_gate)
        {
            if (!s_tried)
            {
                s_tried = true;
                s_failure = Install();
            }
            failure = s_failure;
            return s_failure is null;
        }
    }

    static string? Install()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64)
            return $"signal-based traps are implemented for linux-x64 only, not {RuntimeInformation.RuntimeIdentifier}";
        try
        {
            nint state = (nint)NativeMemory.AllocZeroed(FaultHandlerCode.StateSize);
            var code = FaultHandlerCode.Emit(WasmCodeRanges.Table, state, out _);
            var memory = new CodeMemory(code.Bytes);        // never freed: the handler stays installed
            byte* old = stackalloc byte[Libc.SigactionSize];
            byte* act = stackalloc byte[Libc.SigactionSize];
            foreach ((int signal, int field) in (ReadOnlySpan<(int, int)>)[(Libc.SIGSEGV, FaultHandlerCode.OldSegvField), (Libc.SIGBUS, FaultHandlerCode.OldBusField)])
            {
                new Span<byte>(old, Libc.SigactionSize).Clear();
                if (Libc.sigaction(signal, 0, (nint)old) != 0)
                    return $"sigaction({signal}) could not be read (errno {Marshal.GetLastPInvokeError()})";
                *(nint*)(state + field) = *(nint*)old;
                new Span<byte>(old, Libc.SigactionSize).CopyTo(new Span<byte>(act, Libc.SigactionSize));
                *(nint*)act = memory.Base;
                int* flags = (int*)(act + Libc.SigactionFlagsOffset);
                *flags = (*flags | Libc.SA_SIGINFO) & ~Libc.SA_RESETHAND;
                if (Libc.sigaction(signal, (nint)act, 0) != 0)
                    return $"sigaction({signal}) could not be installed (errno {Marshal.GetLastPInvokeError()})";
            }
            HandlerAddress = memory.Base;
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or OutOfMemoryException or InvalidOperationException)
        {
            return $"the signal handler could not be installed: {e.Message}";
        }
    }
}
