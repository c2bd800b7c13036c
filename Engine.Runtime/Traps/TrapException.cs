using System.Text;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// Wasm code trapped. <see cref="Exception.Message"/> is the spec's wording of <see cref="Code"/>
/// (<see cref="TrapCodes.Message"/>); <see cref="Backtrace"/> lists the wasm frames, innermost first; when a
/// host function threw, <see cref="Exception.InnerException"/> is its exception (and <see cref="Code"/> is
/// <see cref="TrapCode.HostError"/>). <see cref="WasmException.Location"/> is the module offset of the
/// trapping instruction when known.
/// </summary>
public sealed class TrapException : WasmException
{
    readonly WasmFrame[] _frames;

    internal TrapException(TrapCode code, WasmFrame[] frames, Exception? inner, string? file = null)
        : base(code.Message(), frames.Length > 0 && frames[0].WasmOffset >= 0 ? SourceLocation.AtOffset(frames[0].WasmOffset, file) : new SourceLocation(file), inner)
    {
        Code = code;
        _frames = frames;
    }

    /// <summary>
    /// A trap with no frames: raised by the runtime outside wasm code (instantiation), or thrown by a host
    /// function to make the calling wasm code trap with <paramref name="code"/>.
    /// </summary>
    public TrapException(TrapCode code) : this(code != TrapCode.None ? code : throw new ArgumentException("TrapCode.None is not a trap", nameof(code)), [], null) { }

    public TrapCode Code { get; }

    /// <summary>The wasm frames at the trap, innermost first.</summary>
    public IReadOnlyList<WasmFrame> Backtrace => _frames;

    /// <summary>True for "call stack exhausted", which the spec tests with assert_exhaustion.</summary>
    public bool IsExhaustion => Code.IsExhaustion();

    /// <summary>The same trap seen from an outer entry: a trap that crossed a host function keeps its code and cause and gains the outer frames.</summary>
    internal TrapException WithOuterFrames(WasmFrame[] outer) =>
        new(Code, [.. _frames, .. outer], InnerException, Location.File);

    public override string ToString()
    {
        var sb = new StringBuilder(OneLine);
        foreach (var f in _frames) sb.Append("\n  at ").Append(f);
        if (InnerException is not null) sb.Append("\n caused by: ").Append(InnerException);
        return sb.ToString();
    }
}
