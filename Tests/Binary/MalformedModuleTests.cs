using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Tests.Binary;

/// <summary>
/// Each malformed-module rule of the decoder, with the reference interpreter's message and the
/// offset it is reported at. Several byte strings are the spec suite's (binary.wast and friends).
/// </summary>
public class MalformedModuleTests
{
    const string Header = "0061736d01000000";

    [Theory]
    // Header.
    [InlineData("", "unexpected end", 0)]
    [InlineData("01", "unexpected end", 1)]
    [InlineData("006173", "unexpected end", 3)]
    [InlineData("61736d00", "magic header not detected", 0)]
    [InlineData("0061534d01000000", "magic header not detected", 0)]
    [InlineData("efbbbf0061736d01000000", "magic header not detected", 0)]
    [InlineData("0061736d", "unexpected end", 4)]
    [InlineData("0061736d010000", "unexpected end", 7)]
    [InlineData("0061736d00000000", "unknown binary version", 4)]
    [InlineData("0061736d0d000000", "unknown binary version", 4)]
    [InlineData("0061736d00000001", "unknown binary version", 4)]
    public void Header_(string hex, string message, int offset) => Check(hex, message, offset);

    [Theory]
    [InlineData("0e0100", "malformed section id", 8)]
    [InlineData("7f0100", "malformed section id", 8)]
    [InlineData("80010001 0100", "malformed section id", 8)]
    [InlineData("00", "unexpected end", 9)]                                  // custom section id without a size
    [InlineData("0000", "unexpected end of section or function", 10)]        // custom section too short for its name
    [InlineData("002610", "length out of bounds", 9)]                        // section size past the end
    [InlineData("010702600000", "length out of bounds", 9)]                   // type section 7 bytes, 4 given
    [InlineData("010701600000600000", "section size mismatch", 10)]           // 1 type declared, 2 given
    [InlineData("0c01010c0101", "unexpected content after last section", 11)] // data count twice
    [InlineData("0b01000a0100", "unexpected content after last section", 11)] // data before code
    [InlineData("0a01000c0101", "unexpected content after last section", 11)] // code before data count
    [InlineData("060100050100", "unexpected content after last section", 11)] // global before memory
    [InlineData("0601000d0100", "unexpected content after last section", 11)] // global before tag
    [InlineData("0c0101090100", "unexpected content after last section", 11)] // data count before element
    public void Sections(string hex, string message, int offset) => Check(Header + hex, message, offset);

    [Fact]
    public void CustomSectionsMayAppearAnywhere()
    {
        var m = ModuleDecoder.Decode(ModuleBytes.Hex(Header + "0003016100" + "0d0100" + "0003016200" + "060100" + "0003016300"));
        Assert.Equal(new byte[] { 0, 13, 6 }, m.CustomSections.Select(c => c.After));
    }

    [Theory]
    // Counts and lengths (binary.wast).
    [InlineData("040101", "unexpected end of section or function", 11)]            // table count 1, none given
    [InlineData("0602057f", "length out of bounds", 10)]                        // 5 globals, 1 byte left
    [InlineData("0106016000000000", "section size mismatch", 10)]                  // size 6, content uses 4
    public void CountsAndLengths(string hex, string message, int offset) => Check(Header + hex, message, offset);

    [Theory]
    // LEB128 in sections (binary-leb128.wast).
    [InlineData("0508010082808080808080808080 00", "integer representation too long", 22)]
    [InlineData("05070100828080808080808080 70", "integer too large", 21)]
    [InlineData("010501e07f0000", "integer representation too long", 12)]  // -0x20 as a two-byte functype
    public void Leb(string hex, string message, int offset) => Check(Header + hex, message, offset);

    [Theory]
    // Types.
    [InlineData("0104015e7802", "malformed mutability", 13)]          // binary-gc.wast
    [InlineData("010401610000", "malformed definition type", 11)]
    [InlineData("010401600100 00", "malformed reference type", 13)]   // param type 0x00
    [InlineData("0105015f017601", "malformed storage type", 13)]       // field type 0x76
    [InlineData("0106015e64750001", "malformed heap type", 13)]        // (ref 0x75): not an abstract heap type
    [InlineData("0106015e6480807f00", "malformed heap type", 13)]
    public void Types(string hex, string message, int offset) => Check(Header + hex, message, offset);

    [Theory]
    // Imports, tables, memories, globals, tags, exports.
    [InlineData("020601 0161 0162 05", "malformed import kind", 15)]
    [InlineData("020701 0161 0162 04 70 00", "zero byte expected", 16)]     // tag attribute must be 0 (here 0x70)
    [InlineData("04030170 08", "malformed limits flags", 12)]
    [InlineData("04040170 0200", "malformed limits flags", 12)]          // tables cannot be shared
    [InlineData("04060170 810000 00", "malformed limits flags", 12)]
    [InlineData("050201 08", "malformed limits flags", 11)]
    [InlineData("05050181000000", "malformed limits flags", 11)]
    [InlineData("0406014001700000", "zero byte expected", 12)]          // table with initialiser: 0x40 then 0x00
    [InlineData("0606017f02410000", "malformed mutability", 12)]
    [InlineData("07050101610500", "malformed export kind", 13)]
    public void Entities(string hex, string message, int offset) => Check(Header + hex, message, offset);

    [Theory]
    // Constant expressions.
    [InlineData("0605017f004100" + "0a040102000b", "unexpected end of section or function", -1)]  // missing end (binary.wast)
    [InlineData("0606017f00ff000b", "illegal opcode ff", 13)]
    public void ConstExprs(string hex, string message, int offset) => Check(Header + hex, message, offset);

    [Theory]
    // Element and data segments.
    [InlineData("010401600000 030201 00 09070105 70 01 f3000b", "illegal opcode f3", 24)]
    [InlineData("09040108000000", "malformed elements segment kind", 11)]
    [InlineData("0905010101 0000", "malformed element kind", 12)]
    [InlineData("0b0401030000", "malformed data segment kind", 11)]
    [InlineData("0b0a01808080801041000b00", "integer too large", 15)]             // binary-leb128.wast
    [InlineData("0c01010b0100", "data count and data section have inconsistent lengths", 14)]
    [InlineData("0c0101", "data count and data section have inconsistent lengths", 11)]
    public void Segments(string hex, string message, int offset) => Check(Header + hex, message, offset);

    [Theory]
    // Code (binary.wast).
    [InlineData("010401600000 0303020000 0a0c02 0400 4101 1a 0500 4101 1a 0b", "END opcode expected", 27)]
    [InlineData("010401600000 03020100 0a0601 0400 4101 1a", "unexpected end of section or function", 26)]
    [InlineData("010401600000 03020100 0a0601 0400 4101 1a 0b03010100", "section size mismatch", 26)]
    [InlineData("010401600000 03020100 0a0c01 0a02 8080808010 7f 027e 0b", "integer too large", 27)]
    [InlineData("010401600000 03020100 0a0c01 0a02 ffffffff0f7f 027e 0b", "too many locals", 22)]
    [InlineData("010401600000 03020100 0a0a01 0802 d08603 7f 027e 0b", "too many locals", 22)]   // 50,000 + 2
    [InlineData("010401600000 03020100", "function and code section have inconsistent lengths", 18)]
    [InlineData("0a040102000b", "function and code section have inconsistent lengths", -1)]
    public void Code(string hex, string message, int offset) => Check(Header + hex, message, offset);

    [Fact]
    public void LocalsUpToTheLimitAreAccepted()
    {
        var m = ModuleDecoder.Decode(ModuleBytes.Hex(Header + "010401600000 03020100 0a0801 0601 d08603 7f 0b".Replace(" ", "")));
        Assert.Equal(50_000u, m.Code[0].Locals[0].Count);
    }

    [Fact]
    public void MalformedElementTypeIsAReferenceTypeError()
    {
        // binary.wast: passive expression segment declared with type i32.
        var e = ModuleBytes.Malformed(ModuleBytes.Hex(Header + "0907010 57f01d2000b".Replace(" ", "")));
        Assert.Equal("malformed reference type", e.Message);
        Assert.Equal(12, e.Location.Offset);
    }

    static void Check(string hex, string message, int offset)
    {
        var e = ModuleBytes.Malformed(ModuleBytes.Hex(hex.Replace(" ", "")));
        Assert.Equal(message, e.Message);
        if (offset >= 0) Assert.Equal(offset, e.Location.Offset);
    }
}
