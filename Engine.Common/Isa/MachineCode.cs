using Hoist.Vm;

namespace Hoist.Isa;

/// <summary>
/// The finished machine code of one function and its tables: what a compiled function artifact holds.
/// Plain data, position-independent until the runtime applies <see cref="Relocations"/>.
/// </summary>
/// <remarks>
/// Invariants (checked by the constructor, which is also how a stored artifact is loaded):
/// <list type="bullet">
/// <item><see cref="Bytes"/> is the instructions, <c>[0, InstructionsSize)</c>, then the constant pool; the pool
/// is data that a disassembler must not decode. The code must be placed at a
/// <see cref="RequiredAlignment"/>-aligned address.</item>
/// <item>Every table is sorted by offset (non-decreasing) and every offset lies inside the code.</item>
/// <item>Immutable: the arrays are owned by this object and exposed read-only.</item>
/// </list>
/// </remarks>
public sealed class MachineCode
{
    /// <summary>The alignment the code's start needs (the constant pool aligns 16-byte constants relative to it).</summary>
    public const int RequiredAlignment = 16;

    /// <summary>
    /// The alignment the runtime gives each function's start (a multiple of <see cref="RequiredAlignment"/>): offsets
    /// a compiler aligns inside a function to at most this much are aligned in memory too (the optimizing compiler
    /// aligns loop heads to 32 bytes, so that a small loop does not straddle the processor's 32- and 64-byte fetch
    /// and op-cache windows: a loop of a few instructions can run at half speed when it does).
    /// </summary>
    public const int FunctionAlignment = 32;

    private readonly byte[] _bytes;
    private readonly TrapSite[] _traps;
    private readonly CallSite[] _calls;
    private readonly Relocation[] _relocs;
    private readonly SourceLoc[] _srcLocs;

    public MachineCode(byte[] bytes, int instructionsSize, TrapSite[] trapSites, CallSite[] callSites,
        Relocation[] relocations, SourceLoc[] sourceLocations)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if ((uint)instructionsSize > (uint)bytes.Length) throw new ArgumentOutOfRangeException(nameof(instructionsSize));
        // Plain loops, not a generic helper over delegates: this runs once per compiled function and
        // must be cheap even before the JIT has optimised it (short-lived `hoist run` processes).
        int last = 0;
        foreach (TrapSite t in trapSites) last = CheckOffset(t.Offset, last, bytes.Length, nameof(trapSites));
        last = 0;
        foreach (CallSite c in callSites) last = CheckOffset(c.ReturnOffset, last, bytes.Length, nameof(callSites));
        last = 0;
        foreach (Relocation r in relocations) last = CheckOffset(r.Offset, last, bytes.Length, nameof(relocations));
        last = 0;
        foreach (SourceLoc l in sourceLocations) last = CheckOffset(l.CodeOffset, last, bytes.Length, nameof(sourceLocations));
        foreach (Relocation r in relocations)
        {
            if (r.Offset + (r.Kind == RelocKind.Abs64 ? 8 : 4) > instructionsSize)
                throw new ArgumentException($"relocation at {r.Offset} runs past the instructions", nameof(relocations));
        }
        _bytes = bytes;
        InstructionsSize = instructionsSize;
        _traps = trapSites;
        _calls = callSites;
        _relocs = relocations;
        _srcLocs = sourceLocations;
    }

    private static int CheckOffset(int offset, int previous, int size, string name)
    {
        if (offset < previous || offset > size) throw new ArgumentException($"offset {offset} is out of order or outside the code", name);
        return offset;
    }

    /// <summary>The code: instructions, then the constant pool.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes;

    /// <summary>The same bytes as <see cref="Bytes"/>, for storing.</summary>
    public ReadOnlyMemory<byte> Memory => _bytes;

    public int Size => _bytes.Length;

    /// <summary>Where the instructions end and the constant pool starts.</summary>
    public int InstructionsSize { get; }

    public ReadOnlySpan<TrapSite> TrapSites => _traps;
    public ReadOnlySpan<CallSite> CallSites => _calls;
    public ReadOnlySpan<Relocation> Relocations => _relocs;
    public ReadOnlySpan<SourceLoc> SourceLocations => _srcLocs;

    /// <summary>The trap at the observed pc <paramref name="pcOffset"/> (see <see cref="TrapSite.Offset"/>), if any.</summary>
    public bool TryGetTrap(int pcOffset, out TrapCode code)
    {
        int lo = 0, hi = _traps.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            int o = _traps[mid].Offset;
            if (o == pcOffset) { code = _traps[mid].Code; return true; }
            if (o < pcOffset) lo = mid + 1; else hi = mid - 1;
        }
        code = TrapCode.None;
        return false;
    }

    /// <summary>
    /// The wasm offset of the instruction whose code contains <paramref name="pcOffset"/>, or
    /// <see cref="SourceLoc.None"/>. For a return address, ask for <c>pc - 1</c> (the call's last byte).
    /// </summary>
    public uint WasmOffsetAt(int pcOffset)
    {
        int lo = 0, hi = _srcLocs.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_srcLocs[mid].CodeOffset <= pcOffset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 || pcOffset >= InstructionsSize ? SourceLoc.None : _srcLocs[found].WasmOffset;
    }
}
