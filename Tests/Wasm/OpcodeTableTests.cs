using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Tests.Wasm;

public class OpcodeTableTests
{
    public static IEnumerable<object[]> AllOpcodes() =>
        Enumerable.Range(0, OpcodeInfo.Count).Select(i => new object[] { (Opcode)i });

    [Fact]
    public void EveryOpcodeEncodingDecodesBackToItself()
    {
        for (int i = 0; i < OpcodeInfo.Count; i++)
        {
            var op = (Opcode)i;
            bool ok = op.Prefix() == 0 ? OpcodeInfo.TryDecode((byte)op.Code(), out var back) : OpcodeInfo.TryDecode(op.Prefix(), op.Code(), out back);
            Assert.True(ok, $"{op} does not decode");
            Assert.Equal(op, back);
        }
    }

    [Fact]
    public void SharedMnemonicsAreOnlyTheDocumentedPairs()
    {
        var shared = Enumerable.Range(0, OpcodeInfo.Count).Select(i => (Opcode)i)
            .GroupBy(o => o.Mnemonic()).Where(g => g.Count() > 1).Select(g => g.Key).OrderBy(s => s, StringComparer.Ordinal);
        Assert.Equal(new[] { "ref.cast", "ref.test", "select" }, shared);
    }

    [Theory]
    [InlineData("i32.add", Opcode.I32Add, 0, 0x6Au)]
    [InlineData("memory.init", Opcode.MemoryInit, 0xFC, 8u)]
    [InlineData("i32x4.relaxed_dot_i8x16_i7x16_add_s", Opcode.I32x4RelaxedDotI8x16I7x16AddS, 0xFD, 0x113u)]
    [InlineData("br_on_cast_fail", Opcode.BrOnCastFail, 0xFB, 25u)]
    [InlineData("i64.atomic.rmw32.cmpxchg_u", Opcode.I64AtomicRmw32CmpxchgU, 0xFE, 0x4Eu)]
    public void MnemonicEncodingAndNameAgree(string mnemonic, Opcode expected, byte prefix, uint code)
    {
        Assert.True(OpcodeInfo.TryParseMnemonic(mnemonic, out var op));
        Assert.Equal(expected, op);
        Assert.Equal(prefix, op.Prefix());
        Assert.Equal(code, op.Code());
    }

    [Fact]
    public void FixedSignaturesUseAddressTypeForMemoryOperands()
    {
        Assert.Equal(new[] { SigType.Addr, SigType.I64 }, Opcode.I64Store.Params().ToArray());
        Assert.True(Opcode.I64Store.Results().IsEmpty);
        Assert.Equal(3, Opcode.I64Load.NaturalAlignmentLog2());
        Assert.False(Opcode.Block.HasFixedSignature());
        Assert.True(Opcode.I32Add.IsConstant());
        Assert.False(Opcode.I32DivS.IsConstant());
    }

    [Fact]
    public void UnassignedEncodingsDoNotDecode()
    {
        Assert.False(OpcodeInfo.TryDecode(0xFF, out _));
        Assert.False(OpcodeInfo.TryDecode(0xFD, 154, out _));
        Assert.False(OpcodeInfo.TryDecode(0xFC, 1000, out _));
        Assert.False(OpcodeInfo.TryDecode(0xFB, out _));
    }

    [Fact]
    public void WriterEncodesPrefixedSubOpcodesAsLeb128()
    {
        var w = new WasmWriter();
        w.Opcode(Opcode.I8x16RelaxedSwizzle);
        Assert.Equal(new byte[] { 0xFD, 0x80, 0x02 }, w.ToArray());
    }
}
