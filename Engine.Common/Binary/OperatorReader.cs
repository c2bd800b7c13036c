using System.Runtime.CompilerServices;

namespace Hoist.Wasm.Binary;

/// <summary>
/// Reusable storage for the variable-length immediates (<c>br_table</c> targets, <c>try_table</c>
/// catch clauses, typed <c>select</c> types) of an <see cref="OperatorReader"/>. One instance can
/// serve every function of a module (not concurrently), so reading allocates nothing once the
/// buffers have grown to the largest immediate seen.
/// </summary>
public sealed class OperatorBuffers
{
    internal uint[] Targets = new uint[16];
    internal CatchClause[] Catches = new CatchClause[4];
    internal ValType[] Types = new ValType[1];
}

/// <summary>
/// Reads a function body's instructions, or a constant expression, one operator at a time into
/// an <see cref="Operator"/> (see its documentation for which field holds which immediate).
/// <para>
/// Structure: the reader tracks the block nesting (<see cref="Depth"/>: blocks opened by
/// <c>block</c>/<c>loop</c>/<c>if</c>/<c>try</c>/<c>try_table</c> and not yet closed by
/// <c>end</c> or <c>delegate</c>), so it knows which <c>end</c> closes the whole expression:
/// after that one, <see cref="AtEnd"/> is true and no more operators may be read. Whether an
/// <c>else</c>, <c>catch</c> or <c>delegate</c> is in a legal place is left to the validator.
/// </para>
/// <para>
/// Errors are <see cref="MalformedException"/>s in the reference interpreter's words, located
/// at absolute module offsets: an unknown opcode is "illegal opcode XX" (or "illegal opcode
/// XX N" for a prefixed one, both in hex); running out of bytes before the final <c>end</c> is
/// "unexpected end of section or function"; in a function body (<see cref="ForBody"/>), bytes
/// after the final <c>end</c> are "section size mismatch" (the body is longer than its code).
/// A constant expression reader (<see cref="ForConstExpr"/>) stops at its final <c>end</c>
/// and <see cref="Position"/> then says how long the expression was.
/// </para>
/// <para>
/// memarg: the flags are a u32; flags ≥ 0x80 are "malformed memop flags"; bit 6 means an
/// explicit memory index follows (multi-memory); the alignment exponent is flags &amp; 0x3F
/// (whether it is too large for the access is the validator's "alignment must not be larger
/// than natural"); the offset is a u64 (memory64; range checks are the validator's).
/// </para>
/// </summary>
public ref struct OperatorReader
{
    WasmReader _r;
    readonly OperatorBuffers _buffers;
    readonly bool _isBody;
    int _depth;
    bool _atEnd;

    OperatorReader(ReadOnlySpan<byte> code, int baseOffset, OperatorBuffers? buffers, bool isBody)
    {
        _r = new WasmReader(code, baseOffset);
        _buffers = buffers ?? new OperatorBuffers();
        _isBody = isBody;
        _depth = 0;
        _atEnd = false;
    }

    /// <summary>
    /// A reader of a function body's instructions (after its locals): <paramref name="code"/> must
    /// end exactly with the function's final <c>end</c>.
    /// </summary>
    /// <param name="baseOffset">The module offset of <paramref name="code"/>[0].</param>
    public static OperatorReader ForBody(ReadOnlySpan<byte> code, int baseOffset, OperatorBuffers? buffers = null) =>
        new(code, baseOffset, buffers, isBody: true);

    /// <summary>
    /// A reader of a constant expression starting at <paramref name="code"/>[0]; the span may
    /// extend past the expression (reading stops at its final <c>end</c>).
    /// </summary>
    public static OperatorReader ForConstExpr(ReadOnlySpan<byte> code, int baseOffset, OperatorBuffers? buffers = null) =>
        new(code, baseOffset, buffers, isBody: false);

    /// <summary>True once the <c>end</c> that closes the whole expression has been read.</summary>
    public readonly bool AtEnd => _atEnd;

    /// <summary>The number of open blocks, not counting the expression's own implicit block.</summary>
    public readonly int Depth => _depth;

    /// <summary>Position relative to the start of the span.</summary>
    public readonly int Position => _r.Position;

    /// <summary>The absolute module offset of the next operator.</summary>
    public readonly int Offset => _r.Offset;

    /// <summary>Reads the next operator. Only meaningful while <see cref="AtEnd"/> is false.</summary>
    public Operator Read()
    {
        var op = default(Operator);
        Read(ref op);
        return op;
    }

    /// <summary>
    /// Reads the next operator into <paramref name="op"/>, setting <see cref="Operator.Opcode"/>,
    /// <see cref="Operator.Offset"/> and the fields of its immediates; other fields keep stale values.
    /// </summary>
    public void Read(ref Operator op)
    {
        if (_atEnd) throw new InvalidOperationException("the expression has already ended");
        int at = _r.Offset;
        op.Offset = at;
        byte b = _r.ReadByte();
        // One table lookup gives a single-byte opcode and its immediate kind.
        uint entry = s_single[b];
        Opcode opcode;
        ImmediateKind kind;
        if (entry != NotSingle)
        {
            opcode = (Opcode)(ushort)entry;
            kind = (ImmediateKind)(entry >> 16);
        }
        else
        {
            opcode = ReadPrefixed(b, at);
            kind = opcode.Immediates();
        }
        op.Opcode = opcode;
        switch (kind)
        {
            case ImmediateKind.None:
                if (opcode == Opcode.End) CloseBlock();
                return;
            case ImmediateKind.Local:
            case ImmediateKind.Global:
            case ImmediateKind.Func:
                op.Index = _r.ReadU32();
                return;
            case ImmediateKind.I32:
                op.Bits = (uint)_r.ReadS32();
                return;
            default:
                ReadImmediates(kind, ref op);
                return;
        }
    }

    const uint NotSingle = uint.MaxValue;

    /// <summary>For each byte: its single-byte opcode | immediate kind &lt;&lt; 16, or <see cref="NotSingle"/>.</summary>
    static readonly uint[] s_single = BuildSingleTable();

    static uint[] BuildSingleTable()
    {
        var table = new uint[256];
        for (int b = 0; b < 256; b++)
            table[b] = OpcodeInfo.TryDecode((byte)b, out var op) ? (uint)op | ((uint)op.Immediates() << 16) : NotSingle;
        return table;
    }

    Opcode ReadPrefixed(byte b, int at)
    {
        if (!OpcodeInfo.IsPrefix(b)) throw IllegalOpcode(b, at);
        uint sub = _r.ReadU32();
        if (!OpcodeInfo.TryDecode(b, sub, out var opcode)) throw IllegalOpcode(b, sub, at);
        return opcode;
    }

    void CloseBlock()
    {
        if (_depth > 0) { _depth--; return; }
        _atEnd = true;
        if (_isBody && !_r.IsAtEnd) throw _r.Error("section size mismatch");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static MalformedException IllegalOpcode(byte b, int at) =>
        WasmReader.Error($"illegal opcode {b:x2}", at);

    [MethodImpl(MethodImplOptions.NoInlining)]
    static MalformedException IllegalOpcode(byte prefix, uint sub, int at) =>
        WasmReader.Error($"illegal opcode {prefix:x2} {sub:x2}", at);

    void ReadImmediates(ImmediateKind kind, ref Operator op)
    {
        switch (kind)
        {
            case ImmediateKind.Block:
                op.Block = _r.ReadBlockType();
                _depth++;
                break;
            case ImmediateKind.Label:
                op.Index = _r.ReadU32();
                // `delegate` closes its `try` block the way `end` does.
                if (op.Opcode == Opcode.Delegate && _depth > 0) _depth--;
                break;
            case ImmediateKind.Func:
            case ImmediateKind.Local:
            case ImmediateKind.Global:
            case ImmediateKind.Table:
            case ImmediateKind.Memory:
            case ImmediateKind.Type:
            case ImmediateKind.Data:
            case ImmediateKind.Elem:
            case ImmediateKind.Tag:
                op.Index = _r.ReadU32();
                break;
            case ImmediateKind.CallIndirect:
            case ImmediateKind.DataMemory:
            case ImmediateKind.MemoryMemory:
            case ImmediateKind.ElemTable:
            case ImmediateKind.TableTable:
            case ImmediateKind.TypeField:
            case ImmediateKind.TypeData:
            case ImmediateKind.TypeElem:
            case ImmediateKind.TypeCount:
            case ImmediateKind.TypeType:
                op.Index = _r.ReadU32();
                op.Index2 = _r.ReadU32();
                break;
            case ImmediateKind.BrTable:
                op.Targets = ReadTargets();
                op.Index = _r.ReadU32();
                break;
            case ImmediateKind.MemArg:
                op.MemArg = ReadMemArg();
                break;
            case ImmediateKind.MemArgLane:
                op.MemArg = ReadMemArg();
                op.Index = _r.ReadByte();
                break;
            case ImmediateKind.Lane:
                op.Index = _r.ReadByte();
                break;
            case ImmediateKind.I32:
                op.Bits = (uint)_r.ReadS32();
                break;
            case ImmediateKind.I64:
                op.Bits = (ulong)_r.ReadS64();
                break;
            case ImmediateKind.F32:
                op.Bits = _r.ReadF32Bits();
                break;
            case ImmediateKind.F64:
                op.Bits = _r.ReadF64Bits();
                break;
            case ImmediateKind.V128:
            case ImmediateKind.Shuffle:
                op.V128 = _r.ReadV128();
                break;
            case ImmediateKind.SelectTypes:
                op.Types = ReadSelectTypes();
                break;
            case ImmediateKind.HeapType:
                op.Heap = _r.ReadHeapType();
                op.Nullable = op.Opcode is Opcode.RefTestNull or Opcode.RefCastNull;
                break;
            case ImmediateKind.TryTable:
                op.Block = _r.ReadBlockType();
                op.Catches = ReadCatches();
                _depth++;
                break;
            case ImmediateKind.BrOnCast:
            {
                int at = _r.Offset;
                byte flags = _r.ReadByte();
                if (flags > 3) throw WasmReader.Error("malformed br_on_cast flags", at);
                op.Index = _r.ReadU32();
                op.Heap = _r.ReadHeapType();
                op.Heap2 = _r.ReadHeapType();
                op.Nullable = (flags & 1) != 0;
                op.Nullable2 = (flags & 2) != 0;
                break;
            }
            case ImmediateKind.ZeroByte:
                _r.Expect(0x00, "zero byte expected");
                break;
            default:
                throw new InvalidOperationException($"immediate kind {kind} has no decoder");
        }
    }

    MemArg ReadMemArg()
    {
        int at = _r.Offset;
        uint flags = _r.ReadU32();
        if (flags >= 0x80) throw WasmReader.Error("malformed memop flags", at);
        uint memory = (flags & 0x40) != 0 ? _r.ReadU32() : 0;
        ulong offset = _r.ReadU64();
        return new MemArg(flags & 0x3F, memory, offset);
    }

    ReadOnlySpan<uint> ReadTargets()
    {
        int n = _r.ReadLength();
        var buf = _buffers.Targets;
        if (buf.Length < n) _buffers.Targets = buf = new uint[Math.Max(n, buf.Length * 2)];
        for (int i = 0; i < n; i++) buf[i] = _r.ReadU32();
        return buf.AsSpan(0, n);
    }

    ReadOnlySpan<CatchClause> ReadCatches()
    {
        int n = _r.ReadLength();
        var buf = _buffers.Catches;
        if (buf.Length < n) _buffers.Catches = buf = new CatchClause[Math.Max(n, buf.Length * 2)];
        for (int i = 0; i < n; i++)
        {
            int at = _r.Offset;
            byte kind = _r.ReadByte();
            if (kind > 3) throw WasmReader.Error("malformed catch clause", at);
            uint tag = kind <= 1 ? _r.ReadU32() : 0;
            uint label = _r.ReadU32();
            buf[i] = new CatchClause((CatchKind)kind, tag, label);
        }
        return buf.AsSpan(0, n);
    }

    ReadOnlySpan<ValType> ReadSelectTypes()
    {
        int n = _r.ReadLength();
        var buf = _buffers.Types;
        if (buf.Length < n) _buffers.Types = buf = new ValType[Math.Max(n, buf.Length * 2)];
        for (int i = 0; i < n; i++) buf[i] = _r.ReadValType();
        return buf.AsSpan(0, n);
    }
}
