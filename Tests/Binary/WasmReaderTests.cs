using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Tests.Binary;

/// <summary>The primitives of the binary format: LEB128 boundaries, floats, names, types.</summary>
public class WasmReaderTests
{
    static byte[] B(params int[] bytes) => bytes.Select(b => (byte)b).ToArray();

    static MalformedException Fails(byte[] bytes, ReaderAction read, int baseOffset = 0)
    {
        try
        {
            var r = new WasmReader(bytes, baseOffset);
            read(ref r);
        }
        catch (MalformedException e) { return e; }
        throw new Xunit.Sdk.XunitException("expected a MalformedException");
    }

    delegate void ReaderAction(ref WasmReader r);

    // ---- u32

    [Theory]
    [InlineData(new byte[] { 0x00 }, 0u)]
    [InlineData(new byte[] { 0x7F }, 127u)]
    [InlineData(new byte[] { 0x80, 0x01 }, 128u)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x00 }, 0u)]           // non-minimal is fine
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, uint.MaxValue)]
    [InlineData(new byte[] { 0x83, 0x80, 0x80, 0x80, 0x00 }, 3u)]
    public void U32Values(byte[] bytes, uint expected)
    {
        var r = new WasmReader(bytes);
        Assert.Equal(expected, r.ReadU32());
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x1F }, "integer too large")]        // bit 32 set
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 }, "integer too large")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x40 }, "integer too large")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x70 }, "integer too large")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, "integer representation too long")]
    [InlineData(new byte[] { 0x8F, 0x80, 0x80, 0x80, 0x8F, 0x00 }, "integer representation too long")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x90, 0x00 }, "integer too large")]   // too large wins over too long
    [InlineData(new byte[] { 0x80, 0x80 }, "unexpected end of section or function")]
    [InlineData(new byte[] { }, "unexpected end of section or function")]
    public void U32Malformed(byte[] bytes, string message)
    {
        Assert.Equal(message, Fails(bytes, (ref WasmReader r) => r.ReadU32()).Message);
    }

    [Fact]
    public void ErrorOffsetsAreAbsolute()
    {
        var e = Fails(B(0x80, 0x80, 0x80, 0x80, 0x10), (ref WasmReader r) => r.ReadU32(), baseOffset: 100);
        Assert.Equal(104, e.Location.Offset);   // the offending last byte
        e = Fails(B(0x80, 0x80, 0x80, 0x80, 0x80, 0x00), (ref WasmReader r) => r.ReadU32(), baseOffset: 100);
        Assert.Equal(105, e.Location.Offset);   // where the sixth byte would start
        e = Fails(B(0x80), (ref WasmReader r) => r.ReadU32(), baseOffset: 100);
        Assert.Equal(101, e.Location.Offset);   // the end of the span
    }

    // ---- u64

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }, ulong.MaxValue)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, 1UL << 63)]
    [InlineData(new byte[] { 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, 2UL)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x10 }, 1UL << 32)]
    public void U64Values(byte[] bytes, ulong expected)
    {
        var r = new WasmReader(bytes);
        Assert.Equal(expected, r.ReadU64());
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [InlineData(new byte[] { 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02 }, "integer too large")]
    [InlineData(new byte[] { 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x70 }, "integer too large")]
    [InlineData(new byte[] { 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x40 }, "integer too large")]
    [InlineData(new byte[] { 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, "integer representation too long")]
    [InlineData(new byte[] { 0x82, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x81, 0x00 }, "integer representation too long")]
    public void U64Malformed(byte[] bytes, string message)
    {
        Assert.Equal(message, Fails(bytes, (ref WasmReader r) => r.ReadU64()).Message);
    }

    // ---- s32

    [Theory]
    [InlineData(new byte[] { 0x00 }, 0)]
    [InlineData(new byte[] { 0x3F }, 63)]
    [InlineData(new byte[] { 0x40 }, -64)]
    [InlineData(new byte[] { 0x7F }, -1)]
    [InlineData(new byte[] { 0xC0, 0x00 }, 64)]
    [InlineData(new byte[] { 0xFF, 0x7F }, -1)]                                  // non-minimal -1
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x07 }, int.MaxValue)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x78 }, int.MinValue)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, -1)]
    public void S32Values(byte[] bytes, int expected)
    {
        var r = new WasmReader(bytes);
        Assert.Equal(expected, r.ReadS32());
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, "integer too large")]      // 0x7FFFFFFF with bit 31 but not sign extended
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x70 }, "integer too large")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x08 }, "integer too large")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x4F }, "integer too large")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, "integer representation too long")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, "integer representation too long")]
    public void S32Malformed(byte[] bytes, string message)
    {
        Assert.Equal(message, Fails(bytes, (ref WasmReader r) => r.ReadS32()).Message);
    }

    // ---- s33

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x0F }, 0xFFFFFFFFL)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x70 }, -(1L << 32))]
    [InlineData(new byte[] { 0x70 }, -0x10L)]
    public void S33Values(byte[] bytes, long expected)
    {
        var r = new WasmReader(bytes);
        Assert.Equal(expected, r.ReadS33());
    }

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0x1F }, "integer too large")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x60 }, "integer too large")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, "integer representation too long")]
    public void S33Malformed(byte[] bytes, string message)
    {
        Assert.Equal(message, Fails(bytes, (ref WasmReader r) => r.ReadS33()).Message);
    }

    // ---- s64

    [Theory]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00 }, long.MaxValue)]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F }, long.MinValue)]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, -1L)]
    [InlineData(new byte[] { 0x40 }, -64L)]
    public void S64Values(byte[] bytes, long expected)
    {
        var r = new WasmReader(bytes);
        Assert.Equal(expected, r.ReadS64());
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01 }, "integer too large")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7E }, "integer too large")]
    [InlineData(new byte[] { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00 }, "integer representation too long")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F }, "integer representation too long")]
    public void S64Malformed(byte[] bytes, string message)
    {
        Assert.Equal(message, Fails(bytes, (ref WasmReader r) => r.ReadS64()).Message);
    }

    [Fact]
    public void LebRoundTripsWithWriter()
    {
        var rng = new Random(1234);
        var w = new WasmWriter();
        var u = new ulong[200]; var s = new long[200];
        for (int i = 0; i < u.Length; i++)
        {
            u[i] = (ulong)rng.NextInt64() >> rng.Next(64);
            s[i] = rng.NextInt64() >> rng.Next(64);
            if (i % 2 == 1) s[i] = -s[i];
            w.U64(u[i]); w.S64(s[i]); w.U32((uint)u[i]); w.S32((int)s[i]);
        }
        var r = new WasmReader(w.WrittenSpan);
        for (int i = 0; i < u.Length; i++)
        {
            Assert.Equal(u[i], r.ReadU64());
            Assert.Equal(s[i], r.ReadS64());
            Assert.Equal((uint)u[i], r.ReadU32());
            Assert.Equal((int)s[i], r.ReadS32());
        }
        Assert.True(r.IsAtEnd);
    }

    // ---- lengths and names

    [Fact]
    public void LengthBeyondTheRemainingBytesIsOutOfBounds()
    {
        var r = new WasmReader(B(0x02, 0xAA, 0xBB));
        Assert.Equal(2, r.ReadLength());
        // A count is compared with the bytes left from the count's own first byte, as in the reference.
        var ok = new WasmReader(B(0x01));
        Assert.Equal(1, ok.ReadLength());
        var e = Fails(B(0x03, 0xAA), (ref WasmReader r2) => r2.ReadLength(), baseOffset: 10);
        Assert.Equal("length out of bounds", e.Message);
        Assert.Equal(10, e.Location.Offset);
    }

    [Theory]
    [InlineData(new byte[] { 0x00 }, "")]
    [InlineData(new byte[] { 0x03, 0x61, 0x62, 0x63 }, "abc")]
    [InlineData(new byte[] { 0x02, 0xC3, 0xA9 }, "é")]
    [InlineData(new byte[] { 0x03, 0xEF, 0xBB, 0xBF }, "\uFEFF")]
    [InlineData(new byte[] { 0x04, 0xF0, 0x9F, 0x98, 0x80 }, "😀")]
    [InlineData(new byte[] { 0x04, 0xF4, 0x8F, 0xBF, 0xBF }, "\U0010FFFF")]
    public void ValidNames(byte[] bytes, string expected)
    {
        var r = new WasmReader(bytes);
        Assert.Equal(expected, r.ReadName());
    }

    [Theory]
    [InlineData(new byte[] { 0x01, 0x80 })]                         // stray continuation byte
    [InlineData(new byte[] { 0x01, 0xC3 })]                         // truncated sequence
    [InlineData(new byte[] { 0x02, 0xC0, 0x80 })]                   // overlong NUL
    [InlineData(new byte[] { 0x02, 0xC1, 0xBF })]                   // overlong
    [InlineData(new byte[] { 0x03, 0xE0, 0x80, 0x80 })]             // overlong 3-byte
    [InlineData(new byte[] { 0x03, 0xED, 0xA0, 0x80 })]             // surrogate U+D800
    [InlineData(new byte[] { 0x04, 0xF0, 0x80, 0x80, 0x80 })]       // overlong 4-byte
    [InlineData(new byte[] { 0x04, 0xF4, 0x90, 0x80, 0x80 })]       // above U+10FFFF
    [InlineData(new byte[] { 0x01, 0xFF })]
    [InlineData(new byte[] { 0x01, 0xF8 })]
    public void MalformedNames(byte[] bytes)
    {
        var e = Fails(bytes, (ref WasmReader r) => r.ReadName(), baseOffset: 7);
        Assert.Equal("malformed UTF-8 encoding", e.Message);
        Assert.Equal(7, e.Location.Offset);
    }

    [Fact]
    public void NameLongerThanInputIsLengthOutOfBounds()
    {
        Assert.Equal("length out of bounds", Fails(B(0x05, 0x61), (ref WasmReader r) => r.ReadName()).Message);
    }

    // ---- floats

    [Fact]
    public void FloatBitsAreLittleEndian()
    {
        var r = new WasmReader(B(0x00, 0x00, 0x80, 0x3F, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF8, 0x7F));
        Assert.Equal(0x3F800000u, r.ReadF32Bits());
        Assert.Equal(0x7FF8000000000001UL, r.ReadF64Bits());
        Assert.Equal("unexpected end of section or function", Fails(B(0, 0, 0), (ref WasmReader r2) => r2.ReadF32Bits()).Message);
    }

    // ---- types

    [Theory]
    [InlineData(new byte[] { 0x7F }, "i32")]
    [InlineData(new byte[] { 0x7E }, "i64")]
    [InlineData(new byte[] { 0x7D }, "f32")]
    [InlineData(new byte[] { 0x7C }, "f64")]
    [InlineData(new byte[] { 0x7B }, "v128")]
    [InlineData(new byte[] { 0x70 }, "funcref")]
    [InlineData(new byte[] { 0x6F }, "externref")]
    [InlineData(new byte[] { 0x69 }, "exnref")]
    [InlineData(new byte[] { 0x74 }, "noexnref")]
    [InlineData(new byte[] { 0x71 }, "noneref")]
    [InlineData(new byte[] { 0x64, 0x6E }, "(ref any)")]
    [InlineData(new byte[] { 0x63, 0x6C }, "i31ref")]
    [InlineData(new byte[] { 0x64, 0x05 }, "(ref 5)")]
    [InlineData(new byte[] { 0x63, 0x85, 0x01 }, "(ref null 133)")]
    public void ValueTypes(byte[] bytes, string expected)
    {
        var r = new WasmReader(bytes);
        Assert.Equal(expected, r.ReadValType().ToString());
        Assert.True(r.IsAtEnd);
    }

    [Fact]
    public void MalformedTypes()
    {
        Assert.Equal("malformed reference type", Fails(B(0x7A), (ref WasmReader r) => r.ReadValType()).Message);
        Assert.Equal("malformed reference type", Fails(B(0x00), (ref WasmReader r) => r.ReadValType()).Message);
        Assert.Equal("malformed reference type", Fails(B(0x7F), (ref WasmReader r) => r.ReadRefType()).Message);
        Assert.Equal("malformed heap type", Fails(B(0x64, 0x75), (ref WasmReader r) => r.ReadValType()).Message);
        Assert.Equal("malformed heap type", Fails(B(0x64, 0x7F), (ref WasmReader r) => r.ReadValType()).Message);
        Assert.Equal("malformed heap type", Fails(B(0xFF, 0x7F), (ref WasmReader r) => r.ReadHeapType()).Message);   // -1 in two bytes
    }

    [Fact]
    public void AbstractHeapTypeInNonMinimalFormIsAccepted()
    {
        // -0x10 (func) written in two bytes: the s33 value is what counts.
        var r = new WasmReader(B(0xF0, 0x7F));
        Assert.Equal(HeapType.Func, r.ReadHeapType());
    }

    [Fact]
    public void HugeConcreteHeapTypeIsUnknownType()
    {
        var r = new WasmReader(B(0xFF, 0xFF, 0xFF, 0xFF, 0x0F));
        try { r.ReadHeapType(); Assert.Fail("expected an exception"); }
        catch (ValidationException e) { Assert.Equal("unknown type", e.Message); }
    }

    [Fact]
    public void StorageTypes()
    {
        var r = new WasmReader(B(0x78, 0x77, 0x7F));
        Assert.Equal(ValType.I8, r.ReadStorageType());
        Assert.Equal(ValType.I16, r.ReadStorageType());
        Assert.Equal(ValType.I32, r.ReadStorageType());
    }

    [Fact]
    public void BlockTypes()
    {
        var r = new WasmReader(B(0x40, 0x7F, 0x63, 0x70, 0x00, 0x85, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F));
        Assert.Equal(BlockType.Empty, r.ReadBlockType());
        Assert.Equal(BlockType.Of(ValType.I32), r.ReadBlockType());
        Assert.Equal(BlockType.Of(ValType.FuncRef), r.ReadBlockType());
        Assert.Equal(BlockType.OfType(0), r.ReadBlockType());
        Assert.Equal(BlockType.OfType(133), r.ReadBlockType());
        Assert.Equal(BlockType.OfType(uint.MaxValue), r.ReadBlockType());
        Assert.Equal("malformed block type", Fails(B(0x80, 0x7F), (ref WasmReader r2) => r2.ReadBlockType()).Message);
        Assert.Equal("malformed reference type", Fails(B(0x60), (ref WasmReader r2) => r2.ReadBlockType()).Message);
    }
}
