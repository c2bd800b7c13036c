using System.Buffers.Binary;
using System.Text;

namespace Hoist.Wasm.Binary;

/// <summary>
/// A growable byte buffer with the primitive encodings of the binary format (LEB128, IEEE floats,
/// names, value and heap types, opcodes). Used by the module encoder and by the text parser to
/// write instructions, so both produce the same bytes for the same thing.
/// </summary>
public sealed class WasmWriter
{
    byte[] _buffer;
    int _length;

    public WasmWriter(int capacity = 256) => _buffer = new byte[Math.Max(capacity, 16)];

    public int Length => _length;
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);
    public byte[] ToArray() => WrittenSpan.ToArray();
    public void Clear() => _length = 0;

    Span<byte> Grow(int n)
    {
        if (_length + n > _buffer.Length) Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + n));
        var span = _buffer.AsSpan(_length, n);
        _length += n;
        return span;
    }

    public void Byte(byte b)
    {
        if (_length == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        _buffer[_length++] = b;
    }

    public void Bytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

    public void U32(uint v) => U64(v);

    public void U64(ulong v)
    {
        do
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            Byte(v != 0 ? (byte)(b | 0x80) : b);
        } while (v != 0);
    }

    public void S32(int v) => S64(v);

    public void S64(long v)
    {
        while (true)
        {
            byte b = (byte)(v & 0x7F);
            v >>= 7;
            bool done = (v == 0 && (b & 0x40) == 0) || (v == -1 && (b & 0x40) != 0);
            Byte(done ? b : (byte)(b | 0x80));
            if (done) return;
        }
    }

    public void F32Bits(uint bits) => BinaryPrimitives.WriteUInt32LittleEndian(Grow(4), bits);
    public void F64Bits(ulong bits) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), bits);

    /// <summary>A name: LEB128 byte length, then UTF-8.</summary>
    public void Name(string s)
    {
        int n = Encoding.UTF8.GetByteCount(s);
        U32((uint)n);
        Encoding.UTF8.GetBytes(s, Grow(n));
    }

    /// <summary>A byte vector: LEB128 length, then the bytes.</summary>
    public void Vector(ReadOnlySpan<byte> bytes)
    {
        U32((uint)bytes.Length);
        Bytes(bytes);
    }

    /// <summary>An opcode: its byte, or prefix byte then LEB128 sub-opcode.</summary>
    public void Opcode(Opcode op)
    {
        byte prefix = op.Prefix();
        if (prefix == 0) Byte((byte)op.Code());
        else { Byte(prefix); U32(op.Code()); }
    }

    /// <summary>A heap type: an abstract type's byte, or a concrete type index as s33.</summary>
    public void HeapType(HeapType h)
    {
        if (h.IsAbstract) Byte(h.AbstractByte);
        else S64(h.Code);
    }

    /// <summary>A value or storage type, using the short form for nullable abstract references.</summary>
    public void ValType(ValType t)
    {
        switch (t.Kind)
        {
            case ValKind.I32: Byte(0x7F); break;
            case ValKind.I64: Byte(0x7E); break;
            case ValKind.F32: Byte(0x7D); break;
            case ValKind.F64: Byte(0x7C); break;
            case ValKind.V128: Byte(0x7B); break;
            case ValKind.I8: Byte(0x78); break;
            case ValKind.I16: Byte(0x77); break;
            case ValKind.Ref:
                if (t.Nullable && t.Heap.IsAbstract) { Byte(t.Heap.AbstractByte); break; }
                Byte(t.Nullable ? (byte)0x63 : (byte)0x64);
                HeapType(t.Heap);
                break;
        }
    }

    /// <summary>Reserves a 5-byte padded LEB128 u32 to patch later (section and body sizes).</summary>
    public int ReserveU32()
    {
        int at = _length;
        Grow(5);
        return at;
    }

    /// <summary>Writes <paramref name="value"/> as a 5-byte padded LEB128 at a reserved position.</summary>
    public void PatchU32Padded(int at, uint value)
    {
        for (int i = 0; i < 4; i++) { _buffer[at + i] = (byte)((value & 0x7F) | 0x80); value >>= 7; }
        _buffer[at + 4] = (byte)(value & 0x7F);
    }
}
