namespace Hoist.Runtime.Wasi;

/// <summary>
/// Thrown by proc_exit to end the program: the host function's exception unwinds the wasm stack like a
/// trap does (the runtime's host-call dispatcher turns it into one), and arrives as the
/// <see cref="Exception.InnerException"/> of the <see cref="TrapException"/> the outermost call throws.
/// <see cref="WasiContext.RunCommand"/> turns it into the exit status; <see cref="ExitCodeOf"/> finds it
/// for callers that invoke exports themselves.
/// </summary>
public sealed class WasiExitException(int exitCode) : Exception($"the program exited with status {exitCode}")
{
    /// <summary>proc_exit's argument (the C program's exit status).</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>The exit status if <paramref name="trap"/> is a proc_exit unwinding, else null.</summary>
    public static int? ExitCodeOf(TrapException trap) => trap.InnerException is WasiExitException e ? e.ExitCode : null;
}
