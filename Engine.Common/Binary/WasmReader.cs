using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;

namespace Hoist.Wasm.Binary;

/// <summary>
/// A forward reader of the binary format's primitives over a span of bytes.
/// <para>
/// Invariants: <see cref="Position"/> never exceeds the span's length; every failure is a
/// <see cref="MalformedException"/> (or, for an unrepresentable type index, a
/// <see cref="ValidationException"/>) whose location is the absolute module offset
/// <c>BaseOffset + position</c>, and whose message is the spec reference interpreter's wording.
/// Running past the end of the span is "unexpected end of section or function" (the
/// reference's message for every read past what is available).
/// </para>
/// LEB128 rules (the spec's uN/sN): a value of N bits takes at most ceil(N/7) bytes; a further
/// continuation bit is "integer representation too long"; unused bits of the last permitted byte
/// that are not a zero (unsigned) or sign (signed) extension are "integer too large". The too-large
/// check on the last byte comes before the too-long check, as in the reference.
/// </summary>
public ref struct WasmReader
{
    public const string UnexpectedEnd = "unexpected end of section or function";

    readonly ReadOnlySpan<byte> _data;
    readonly int _base;
    int _pos;

    /// <param name="data">The bytes to read.</param>
    /// <param name="baseOffset">The module offset of <paramref name="data"/>[0], used in error locations.</param>
    public WasmReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _base = baseOffset;
        _pos = 0;
    }

    /// <summary>Position relative to the start of the span.</summary>
    public int Position
    {
        readonly get => _pos;
        set
        {
            if ((uint)value > (uint)_data.Length) throw new ArgumentOutOfRangeException(nameof(value));
            _pos = value;
        }
    }

    public readonly int BaseOffset => _base;
    /// <summary>The absolute module offset of the next byte.</summary>
    public readonly int Offset => _base + _pos;
    public readonly int Length => _data.Length;
    public readonly int Remaining => _data.Length - _pos;
    public readonly bool IsAtEnd => _pos >= _data.Length;
    /// <summary>The whole span this reader reads.</summary>
    public readonly ReadOnlySpan<byte> Data => _data;

    // ---- Errors

    /// <summary>A malformed-module error at absolute offset <paramref name="offset"/>.</summary>
    public static MalformedException Error(string message, int offset) => new(message, SourceLocation.AtOffset(offset));

    /// <summary>A malformed-module error at the current position.</summary>
    public readonly MalformedException Error(string message) => Error(message, Offset);

    [MethodImpl(MethodImplOptions.NoInlining)]
    readonly MalformedException EndError() => Error(UnexpectedEnd, _base + _data.Length);

    // ---- Bytes

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte ReadByte()
    {
        if ((uint)_pos >= (uint)_data.Length) throw EndError();
        return _data[_pos++];
    }

    /// <summary>The next byte without consuming it; fails at the end.</summary>
    public readonly byte PeekByte()
    {
        if ((uint)_pos >= (uint)_data.Length) throw EndError();
        return _data[_pos];
    }

    public readonly bool TryPeekByte(out byte b)
    {
        if ((uint)_pos < (uint)_data.Length) { b = _data[_pos]; return true; }
        b = 0;
        return false;
    }

    /// <summary>The next <paramref name="count"/> bytes as a slice of the input (no copy).</summary>
    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > _data.Length - _pos) throw EndError();
        var s = _data.Slice(_pos, count);
        _pos += count;
        return s;
    }

    public void Skip(int count) => ReadBytes(count);

    /// <summary>Expects <paramref name="expected"/>; otherwise fails with <paramref name="message"/> at that byte.</summary>
    public void Expect(byte expected, string message)
    {
        int at = Offset;
        if (ReadByte() != expected) throw Error(message, at);
    }

    // ---- LEB128

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadU32()
    {
        if ((uint)_pos < (uint)_data.Length)
        {
            byte b = _data[_pos];
            if (b < 0x80) { _pos++; return b; }
        }
        return ReadU32Slow();
    }

    uint ReadU32Slow()
    {
        uint result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 28)
            {
                if ((b & 0x70) != 0) throw Error("integer too large", Offset - 1);
                if ((b & 0x80) != 0) throw Error("integer representation too long", Offset);
                return result | ((uint)b << 28);
            }
            result |= (uint)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }

    public ulong ReadU64()
    {
        ulong result = 0;
        for (int shift = 0; ; shift += 7)
        {
            byte b = ReadByte();
            if (shift == 63)
            {
                if ((b & 0x7E) != 0) throw Error("integer too large", Offset - 1);
                if ((b & 0x80) != 0) throw Error("integer representation too long", Offset);
                return result | ((ulong)b << 63);
            }
            result |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0) return result;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadS32()
    {
        if ((uint)_pos < (uint)_data.Length)
        {
            byte b = _data[_pos];
            if (b < 0x80) { _pos++; return (sbyte)(b << 1) >> 1; }
        }
        return (int)ReadSigned(32);
    }

    /// <summary>A signed 33-bit LEB128 (heap types and block type indices).</summary>
    public long ReadS33() => ReadSigned(33);

    public long ReadS64() => ReadSigned(64);

    /// <summary>The spec's sN for N in 1..64: at most ceil(N/7) bytes; the last byte's unused bits must sign-extend.</summary>
    long ReadSigned(int bits)
    {
        long result = 0;
        int shift = 0;
        int lastShift = (bits - 1) / 7 * 7;   // shift of the last permitted byte
        while (true)
        {
            byte b = ReadByte();
            if (shift == lastShift)
            {
                // The bits of this byte at and above the sign bit of an N-bit value must all be equal.
                int used = bits - shift;                        // 1..7 payload bits in this byte
                if (used < 7)
                {
                    int mask = (-1 << (used - 1)) & 0x7F;
                    int hi = b & mask;
                    if (hi != 0 && hi != mask) throw Error("integer too large", Offset - 1);
                }
                if ((b & 0x80) != 0) throw Error("integer representation too long", Offset);
                result |= (long)(b & 0x7F) << shift;
                shift += 7;
                if (shift < 64 && (b & 0x40) != 0) result |= -1L << shift;
                return result;
            }
            result |= (long)(b & 0x7F) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                if ((b & 0x40) != 0) result |= -1L << shift;
                return result;
            }
        }
    }

    // ---- Fixed-width values

    public uint ReadF32Bits() => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4));
    public ulong ReadF64Bits() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));
    public V128 ReadV128() => V128.FromBytes(ReadBytes(16));

    // ---- Lengths, vectors and names

    /// <summary>
    /// A u32 length or element count. As in the reference, a length larger than the bytes left
    /// (counted from the length's own first byte) is "length out of bounds": every element of
    /// every vector takes at least one byte. Note that this bound lets a length exceed the bytes
    /// left after it by up to the LEB's own size: callers must still check before slicing.
    /// </summary>
    public int ReadLength()
    {
        int at = _pos;
        uint n = ReadU32();
        if (n > (uint)(_data.Length - at)) throw Error("length out of bounds", _base + at);
        return (int)n;
    }

    /// <summary>A byte vector: a length, then that many bytes (a slice of the input).</summary>
    public ReadOnlySpan<byte> ReadByteVector()
    {
        int n = ReadLength();
        return ReadBytes(n);
    }

    /// <summary>A name: a byte vector that must be well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF).</summary>
    public string ReadName()
    {
        int at = Offset;
        var bytes = ReadByteVector();
        if (!Utf8.IsValid(bytes)) throw Error("malformed UTF-8 encoding", at);
        return Encoding.UTF8.GetString(bytes);
    }

    // ---- Types

    /// <summary>A heap type: an abstract type's byte, or a non-negative s33 type index.</summary>
    public HeapType ReadHeapType()
    {
        int at = Offset;
        if ((uint)_pos < (uint)_data.Length)
        {
            byte b = _data[_pos];
            // Fast path: a one-byte s33 (abstract types are negative one-byte values).
            if (b < 0x80)
            {
                _pos++;
                int code = (sbyte)(b << 1) >> 1;
                if (code >= 0) return new HeapType(code);
                if (HeapType.IsAbstractCode(code)) return new HeapType(code);
                throw Error("malformed heap type", at);
            }
        }
        long v = ReadS33();
        if (v >= 0) return ConcreteHeapType(v, at);
        if (v >= int.MinValue && HeapType.IsAbstractCode((int)v)) return new HeapType((int)v);
        throw Error("malformed heap type", at);
    }

    static HeapType ConcreteHeapType(long index, int at)
    {
        // An index this large cannot name a type (implementation limits are far lower); the
        // model cannot hold it, so report what a validator would.
        if (index > int.MaxValue) throw new ValidationException("unknown type", SourceLocation.AtOffset(at));
        return new HeapType((int)index);
    }

    /// <summary>A reference type: an abstract heap type's byte (nullable shorthand), or 0x63/0x64 and a heap type.</summary>
    public ValType ReadRefType()
    {
        int at = Offset;
        byte b = ReadByte();
        if (TryRefType(b, out var t)) return t;
        throw Error("malformed reference type", at);
    }

    /// <summary>A value type: a number, vector or reference type.</summary>
    public ValType ReadValType()
    {
        int at = Offset;
        byte b = ReadByte();
        switch (b)
        {
            case 0x7F: return ValType.I32;
            case 0x7E: return ValType.I64;
            case 0x7D: return ValType.F32;
            case 0x7C: return ValType.F64;
            case 0x7B: return ValType.V128;
        }
        if (TryRefType(b, out var t)) return t;
        // The reference decodes a value type as "number, else vector, else reference type"
        // and reports the last alternative's failure.
        throw Error("malformed reference type", at);
    }

    /// <summary>A storage type of a struct field or array element: i8, i16 or a value type.</summary>
    public ValType ReadStorageType()
    {
        if (TryPeekByte(out byte b))
        {
            if (b == 0x78) { _pos++; return ValType.I8; }
            if (b == 0x77) { _pos++; return ValType.I16; }
            // The reference tries "value type, else packed type" and reports the last failure.
            if (!IsValTypeStart(b)) throw Error("malformed storage type");
        }
        return ReadValType();
    }

    /// <summary>True if <paramref name="b"/> can begin a value type.</summary>
    static bool IsValTypeStart(byte b) =>
        b is >= 0x7B and <= 0x7F or 0x63 or 0x64 || (b is >= 0x40 and < 0x80 && HeapType.IsAbstractCode(b - 0x80));

    bool TryRefType(byte b, out ValType t)
    {
        if (b is 0x63 or 0x64)
        {
            t = ValType.Ref(ReadHeapType(), nullable: b == 0x63);
            return true;
        }
        int code = b - 0x80;   // the one-byte s33 value of b when b's sign bit is set
        if (b is >= 0x40 and < 0x80 && HeapType.IsAbstractCode(code))
        {
            t = ValType.Ref(new HeapType(code), nullable: true);
            return true;
        }
        t = default;
        return false;
    }

    /// <summary>A block type: 0x40 (empty), a value type, or a non-negative s33 type index.</summary>
    public BlockType ReadBlockType()
    {
        byte b = PeekByte();
        if (b == 0x40) { _pos++; return BlockType.Empty; }
        // A one-byte negative s33 (0x40..0x7F) is a value type; anything else is a type index.
        if ((b & 0xC0) == 0x40) return BlockType.Of(ReadValType());
        int at = Offset;
        long v = ReadS33();
        if (v < 0) throw Error("malformed block type", at);
        return BlockType.OfType((uint)v);
    }
}
