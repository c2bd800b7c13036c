using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hoist.Vm;

namespace Hoist.Isa;

/// <summary>
/// The machine code of one function while it is being assembled, in the manner of Cranelift's
/// <c>MachBuffer</c>, and architecture-neutral: an ISA's assembler appends encoded instructions and uses
/// labels, constants and records; <see cref="Finish"/> turns it all into an immutable <see cref="MachineCode"/>.
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>Code is append-only and offsets are from the function's start. Bytes never move: there is no
/// branch relaxation, so an instruction's size is fixed when it is emitted (an assembler picks a short
/// branch only when it already knows it reaches, or when its caller promises it will).</item>
/// <item>A label is bound at most once, to the end of the code at that moment. A reference to a bound label
/// is patched at once; a reference to an unbound one waits in that label's chain of fixups and is patched
/// by <see cref="Bind"/>. <see cref="Finish"/> fails if a referenced label was never bound. A reference's
/// field is already emitted (zeros) when the reference is made.</item>
/// <item>A patched value is <c>target - pc</c> with the pc the reference names (see <see cref="FixupKind"/>);
/// a value that does not fit its field is an assembler bug and throws <see cref="InvalidOperationException"/>.</item>
/// <item>Constants are deduplicated by (size, bits) and emitted by <see cref="Finish"/> after all the code,
/// each aligned to its size (16-byte ones first, so only the pool's start is padded). The runtime must
/// place code at <see cref="MachineCode.RequiredAlignment"/>-aligned addresses for that to hold.</item>
/// <item>Records (trap sites, call sites, relocations, source locations) are added at the current end of
/// the code or behind it, never before an earlier record of the same kind, so the finished tables are
/// sorted by offset.</item>
/// <item>A buffer is reused: <see cref="Reset"/> forgets the function and keeps the arrays, so compiling a
/// module allocates per function only the finished <see cref="MachineCode"/>.</item>
/// </list>
/// </remarks>
public sealed class CodeBuffer
{
    /// <summary>Room an assembler may <see cref="Reserve"/> for one instruction (x86-64's maximum is 15).</summary>
    public const int MaxInstructionSize = 16;

    private byte[] _bytes;
    private int _length;

    // Labels, indexed by Label.Id - 1: the bound offset (-1: unbound) and the first pending fixup (-1: none).
    private int[] _labelOffsets = new int[64];
    private int[] _labelChains = new int[64];
    private int _labelCount;

    // Pending fixups, chained per label through Next; resolved entries go to a free list for reuse.
    private Fixup[] _fixups = new Fixup[64];
    private int _fixupCount;
    private int _freeFixup = -1;

    private readonly List<TrapSite> _traps = [];
    private readonly List<CallSite> _calls = [];
    private readonly List<Relocation> _relocs = [];
    private readonly List<SourceLoc> _srcLocs = [];

    private readonly Dictionary<ConstantKey, Label> _constants = [];
    private readonly List<(ConstantKey Key, Label Label)> _constantOrder = [];

    private bool _finished;

    private struct Fixup
    {
        public int At;
        public int Pc;
        public int Next;
        public FixupKind Kind;
    }

    private readonly record struct ConstantKey(ulong Lo, ulong Hi, int Size);

    public CodeBuffer(int initialCapacity = 4096) => _bytes = new byte[Math.Max(initialCapacity, 64)];

    /// <summary>The size of the code so far, which is also the offset of the next byte.</summary>
    public int Length => _length;

    /// <summary>The code so far (valid until the next append).</summary>
    public ReadOnlySpan<byte> Code => _bytes.AsSpan(0, _length);

    /// <summary>Forgets the function being assembled; keeps the allocated arrays.</summary>
    public void Reset()
    {
        _length = 0;
        _labelCount = 0;
        _fixupCount = 0;
        _freeFixup = -1;
        _traps.Clear();
        _calls.Clear();
        _relocs.Clear();
        _srcLocs.Clear();
        _constants.Clear();
        _constantOrder.Clear();
        _finished = false;
    }

    // ---- Appending bytes ----

    /// <summary>
    /// Makes room for <paramref name="size"/> bytes at the end and returns a reference to the first; the caller
    /// writes at most that many and then calls <see cref="Commit"/>. The reference is valid until the next
    /// Reserve or append (the array may move).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref byte Reserve(int size)
    {
        if ((uint)(_length + size) > (uint)_bytes.Length) Grow(size);
        return ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_bytes), _length);
    }

    /// <summary>Appends the <paramref name="size"/> bytes written after <see cref="Reserve"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Commit(int size) => _length += size;

    private void Grow(int size)
    {
        int capacity = Math.Max(_bytes.Length * 2, _length + size);
        Array.Resize(ref _bytes, capacity);
    }

    public void EmitByte(byte value)
    {
        Reserve(1) = value;
        _length++;
    }

    public void EmitInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(MemoryMarshal.CreateSpan(ref Reserve(4), 4), value);
        _length += 4;
    }

    public void EmitInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(MemoryMarshal.CreateSpan(ref Reserve(8), 8), value);
        _length += 8;
    }

    public void EmitBytes(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(MemoryMarshal.CreateSpan(ref Reserve(bytes.Length), bytes.Length));
        _length += bytes.Length;
    }

    /// <summary>Pads with <paramref name="fill"/> to a multiple of <paramref name="alignment"/> (a power of two).</summary>
    public void AlignWith(int alignment, byte fill)
    {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "alignment must be a power of two");
        int pad = -_length & (alignment - 1);
        MemoryMarshal.CreateSpan(ref Reserve(pad), pad).Fill(fill);
        _length += pad;
    }

    /// <summary>Overwrites 4 already-emitted bytes.</summary>
    public void PatchInt32(int offset, int value)
    {
        if ((uint)offset > (uint)(_length - 4)) throw new ArgumentOutOfRangeException(nameof(offset));
        BinaryPrimitives.WriteInt32LittleEndian(_bytes.AsSpan(offset), value);
    }

    // ---- Labels ----

    public Label NewLabel()
    {
        if (_labelCount == _labelOffsets.Length)
        {
            Array.Resize(ref _labelOffsets, _labelCount * 2);
            Array.Resize(ref _labelChains, _labelCount * 2);
        }
        _labelOffsets[_labelCount] = -1;
        _labelChains[_labelCount] = -1;
        return new Label(++_labelCount);
    }

    /// <summary>Binds <paramref name="label"/> to the current end of the code and patches its pending references.</summary>
    public void Bind(Label label)
    {
        int i = Index(label);
        if (_labelOffsets[i] >= 0) throw new InvalidOperationException($"{label} is already bound at offset {_labelOffsets[i]}");
        _labelOffsets[i] = _length;
        int f = _labelChains[i];
        while (f >= 0)
        {
            ref Fixup fixup = ref _fixups[f];
            Patch(fixup.At, fixup.Pc, _length, fixup.Kind);
            int next = fixup.Next;
            fixup.Next = _freeFixup;
            _freeFixup = f;
            f = next;
        }
        _labelChains[i] = -1;
    }

    public bool IsBound(Label label) => _labelOffsets[Index(label)] >= 0;

    /// <summary>The offset <paramref name="label"/> is bound to, or -1 while it is unbound.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int LabelOffset(Label label) => _labelOffsets[Index(label)];

    /// <summary>
    /// References <paramref name="label"/> from the field at <paramref name="at"/> (already emitted), whose value
    /// will be <c>label - <paramref name="pc"/></c> in the form <paramref name="kind"/>.
    /// </summary>
    public void UseLabel(Label label, int at, int pc, FixupKind kind)
    {
        int i = Index(label);
        int size = kind == FixupKind.Rel8 ? 1 : 4;
        if (at < 0 || at + size > _length) throw new ArgumentOutOfRangeException(nameof(at), at, "the field must already be emitted");
        int target = _labelOffsets[i];
        if (target >= 0)
        {
            Patch(at, pc, target, kind);
            return;
        }
        int f = _freeFixup;
        if (f >= 0) _freeFixup = _fixups[f].Next;
        else
        {
            if (_fixupCount == _fixups.Length) Array.Resize(ref _fixups, _fixupCount * 2);
            f = _fixupCount++;
        }
        _fixups[f] = new Fixup { At = at, Pc = pc, Kind = kind, Next = _labelChains[i] };
        _labelChains[i] = f;
    }

    /// <summary>Emits a 4-byte jump-table entry: <c>target - table</c>, where <paramref name="table"/> is bound.</summary>
    public void EmitLabelDelta32(Label target, Label table)
    {
        LabelOffset(target); // validates the label before anything is emitted
        int tableOffset = LabelOffset(table);
        if (tableOffset < 0) throw new InvalidOperationException($"jump table {table} must be bound before its entries");
        EmitInt32(0);
        UseLabel(target, _length - 4, tableOffset, FixupKind.Rel32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Index(Label label)
    {
        int i = label.Id - 1;
        if ((uint)i >= (uint)_labelCount) ThrowBadLabel(label);
        return i;
    }

    private static void ThrowBadLabel(Label label) =>
        throw new ArgumentException($"{label} does not belong to this buffer (or the buffer was reset)", nameof(label));

    private void Patch(int at, int pc, int target, FixupKind kind)
    {
        int delta = target - pc;
        if (kind == FixupKind.Rel8)
        {
            if ((sbyte)delta != delta)
                throw new InvalidOperationException($"short reference at offset {at} cannot reach offset {target} (distance {delta})");
            _bytes[at] = (byte)delta;
        }
        else
        {
            BinaryPrimitives.WriteInt32LittleEndian(_bytes.AsSpan(at, 4), delta);
        }
    }

    // ---- Constant pool ----

    /// <summary>A label on a 4-byte constant in the pool (the same label for the same bits).</summary>
    public Label Constant32(uint bits) => Constant(bits, 0, 4);

    /// <summary>A label on an 8-byte constant in the pool.</summary>
    public Label Constant64(ulong bits) => Constant(bits, 0, 8);

    /// <summary>A label on a 16-byte constant in the pool (<paramref name="lo"/> is the low 8 bytes).</summary>
    public Label Constant128(ulong lo, ulong hi) => Constant(lo, hi, 16);

    private Label Constant(ulong lo, ulong hi, int size)
    {
        var key = new ConstantKey(lo, hi, size);
        if (_constants.TryGetValue(key, out Label label)) return label;
        label = NewLabel();
        _constants.Add(key, label);
        _constantOrder.Add((key, label));
        return label;
    }

    // ---- Records ----

    /// <summary>Records that the instruction observed at <paramref name="offset"/> traps with <paramref name="code"/>.</summary>
    public void AddTrapSite(int offset, TrapCode code)
    {
        if (code == TrapCode.None) throw new ArgumentException("TrapCode.None is not a trap", nameof(code));
        CheckOrder(offset, _traps.Count == 0 ? 0 : _traps[^1].Offset, "trap site");
        _traps.Add(new TrapSite(offset, code));
    }

    public void AddCallSite(int returnOffset)
    {
        CheckOrder(returnOffset, _calls.Count == 0 ? 0 : _calls[^1].ReturnOffset, "call site");
        _calls.Add(new CallSite(returnOffset));
    }

    /// <summary>Records a field at <paramref name="offset"/> (already emitted) that the linker patches.</summary>
    public void AddRelocation(int offset, RelocKind kind, RelocTarget target)
    {
        CheckOrder(offset, _relocs.Count == 0 ? 0 : _relocs[^1].Offset, "relocation");
        _relocs.Add(new Relocation(offset, kind, target));
    }

    /// <summary>Code emitted from now on implements the wasm instruction at <paramref name="wasmOffset"/>.</summary>
    public void SetSourceLocation(uint wasmOffset)
    {
        if (_srcLocs.Count > 0)
        {
            SourceLoc last = _srcLocs[^1];
            if (last.WasmOffset == wasmOffset) return;
            if (last.CodeOffset == _length)
            {
                // Nothing was emitted for the previous location: replace it (or drop it if that re-joins its predecessor).
                if (_srcLocs.Count > 1 && _srcLocs[^2].WasmOffset == wasmOffset) _srcLocs.RemoveAt(_srcLocs.Count - 1);
                else _srcLocs[^1] = new SourceLoc(_length, wasmOffset);
                return;
            }
        }
        else if (wasmOffset == SourceLoc.None) return;
        _srcLocs.Add(new SourceLoc(_length, wasmOffset));
    }

    /// <summary>The wasm offset that code emitted now is attributed to (<see cref="SourceLoc.None"/> if none).</summary>
    public uint SourceLocation => _srcLocs.Count == 0 ? SourceLoc.None : _srcLocs[^1].WasmOffset;

    private void CheckOrder(int offset, int previous, string what)
    {
        if (offset < previous || offset > _length)
            throw new InvalidOperationException($"{what} at offset {offset} is out of order (previous {previous}, code size {_length})");
    }

    // ---- Finishing ----

    /// <summary>
    /// Emits the constant pool (alignment padding filled with <paramref name="padding"/>), checks that every
    /// referenced label is bound, and returns the finished code with its tables. The buffer keeps its contents
    /// until <see cref="Reset"/>; finishing again without a Reset throws.
    /// </summary>
    public MachineCode Finish(byte padding)
    {
        if (_finished) throw new InvalidOperationException("the function is already finished; Reset before assembling the next one");
        _finished = true;
        int instructionsSize = _length;
        for (int size = 16; size >= 4; size >>= 1)
        {
            foreach ((ConstantKey key, Label label) in _constantOrder)
            {
                if (key.Size != size) continue;
                AlignWith(size, padding);
                Bind(label);
                if (size == 4) EmitInt32((int)key.Lo);
                else EmitInt64((long)key.Lo);
                if (size == 16) EmitInt64((long)key.Hi);
            }
        }
        for (int i = 0; i < _labelCount; i++)
        {
            if (_labelChains[i] >= 0)
                throw new InvalidOperationException($"{new Label(i + 1)} is referenced at offset {_fixups[_labelChains[i]].At} but never bound");
        }
        return new MachineCode(_bytes.AsSpan(0, _length).ToArray(), instructionsSize,
            [.. _traps], [.. _calls], [.. _relocs], [.. _srcLocs]);
    }
}
