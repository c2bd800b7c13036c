using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Tests.Binary;

/// <summary>The streaming operator reader: every immediate kind, block structure, malformed operators.</summary>
public class OperatorReaderTests
{
    delegate void ReadAction(ref OperatorReader r);

    static MalformedException Fails(byte[] bytes, bool body = true)
    {
        try
        {
            var r = body ? OperatorReader.ForBody(bytes, 0) : OperatorReader.ForConstExpr(bytes, 0);
            while (!r.AtEnd) r.Read();
        }
        catch (MalformedException e) { return e; }
        throw new Xunit.Sdk.XunitException("expected a MalformedException");
    }

    /// <summary>Writes sample immediates of <paramref name="kind"/> (the values the checks below expect).</summary>
    static void WriteImmediates(WasmWriter w, ImmediateKind kind)
    {
        switch (kind)
        {
            case ImmediateKind.None: break;
            case ImmediateKind.Block: w.Byte(0x7E); break;
            case ImmediateKind.Label: case ImmediateKind.Func: case ImmediateKind.Local: case ImmediateKind.Global:
            case ImmediateKind.Table: case ImmediateKind.Memory: case ImmediateKind.Type: case ImmediateKind.Data:
            case ImmediateKind.Elem: case ImmediateKind.Tag:
                w.U32(300); break;
            case ImmediateKind.CallIndirect: case ImmediateKind.DataMemory: case ImmediateKind.MemoryMemory:
            case ImmediateKind.ElemTable: case ImmediateKind.TableTable: case ImmediateKind.TypeField:
            case ImmediateKind.TypeData: case ImmediateKind.TypeElem: case ImmediateKind.TypeCount: case ImmediateKind.TypeType:
                w.U32(300); w.U32(7); break;
            case ImmediateKind.BrTable: w.U32(3); w.U32(1); w.U32(2); w.U32(300); w.U32(9); break;
            case ImmediateKind.MemArg: w.U32(0x40 | 3); w.U32(2); w.U64(1UL << 40); break;
            case ImmediateKind.MemArgLane: w.U32(0x40 | 3); w.U32(2); w.U64(1UL << 40); w.Byte(5); break;
            case ImmediateKind.Lane: w.Byte(5); break;
            case ImmediateKind.I32: w.S32(-5); break;
            case ImmediateKind.I64: w.S64(long.MinValue); break;
            case ImmediateKind.F32: w.F32Bits(0x7FC00001); break;
            case ImmediateKind.F64: w.F64Bits(0xFFF0000000000000); break;
            case ImmediateKind.V128: case ImmediateKind.Shuffle:
                for (int i = 0; i < 16; i++) w.Byte((byte)i);
                break;
            case ImmediateKind.SelectTypes: w.U32(1); w.ValType(ValType.ExternRef); break;
            case ImmediateKind.HeapType: w.HeapType(HeapType.Concrete(300)); break;
            case ImmediateKind.TryTable:
                w.Byte(0x40); w.U32(4);
                w.Byte(0); w.U32(1); w.U32(2);
                w.Byte(1); w.U32(3); w.U32(4);
                w.Byte(2); w.U32(5);
                w.Byte(3); w.U32(6);
                break;
            case ImmediateKind.BrOnCast: w.Byte(2); w.U32(300); w.HeapType(HeapType.Any); w.HeapType(HeapType.Concrete(7)); break;
            case ImmediateKind.ZeroByte: w.Byte(0); break;
            default: throw new InvalidOperationException($"no sample for {kind}");
        }
    }

    static void CheckImmediates(Opcode opcode, in Operator op)
    {
        switch (opcode.Immediates())
        {
            case ImmediateKind.Block: Assert.Equal(BlockType.Of(ValType.I64), op.Block); break;
            case ImmediateKind.Label: case ImmediateKind.Func: case ImmediateKind.Local: case ImmediateKind.Global:
            case ImmediateKind.Table: case ImmediateKind.Memory: case ImmediateKind.Type: case ImmediateKind.Data:
            case ImmediateKind.Elem: case ImmediateKind.Tag:
                Assert.Equal(300u, op.Index); break;
            case ImmediateKind.CallIndirect: case ImmediateKind.DataMemory: case ImmediateKind.MemoryMemory:
            case ImmediateKind.ElemTable: case ImmediateKind.TableTable: case ImmediateKind.TypeField:
            case ImmediateKind.TypeData: case ImmediateKind.TypeElem: case ImmediateKind.TypeCount: case ImmediateKind.TypeType:
                Assert.Equal(300u, op.Index); Assert.Equal(7u, op.Index2); break;
            case ImmediateKind.BrTable:
                Assert.Equal(new uint[] { 1, 2, 300 }, op.Targets.ToArray()); Assert.Equal(9u, op.Index); break;
            case ImmediateKind.MemArg:
                Assert.Equal(new MemArg(3, 2, 1UL << 40), op.MemArg); break;
            case ImmediateKind.MemArgLane:
                Assert.Equal(new MemArg(3, 2, 1UL << 40), op.MemArg); Assert.Equal(5u, op.Index); break;
            case ImmediateKind.Lane: Assert.Equal(5u, op.Index); break;
            case ImmediateKind.I32: Assert.Equal((ulong)unchecked((uint)-5), op.Bits); break;
            case ImmediateKind.I64: Assert.Equal(1UL << 63, op.Bits); break;
            case ImmediateKind.F32: Assert.Equal(0x7FC00001UL, op.Bits); break;
            case ImmediateKind.F64: Assert.Equal(0xFFF0000000000000UL, op.Bits); break;
            case ImmediateKind.V128: case ImmediateKind.Shuffle:
                Assert.Equal(new V128(0x0706050403020100, 0x0F0E0D0C0B0A0908), op.V128); break;
            case ImmediateKind.SelectTypes: Assert.Equal(new[] { ValType.ExternRef }, op.Types.ToArray()); break;
            case ImmediateKind.HeapType:
                Assert.Equal(HeapType.Concrete(300), op.Heap);
                Assert.Equal(opcode is Opcode.RefTestNull or Opcode.RefCastNull, op.Nullable);
                break;
            case ImmediateKind.TryTable:
                Assert.Equal(BlockType.Empty, op.Block);
                Assert.Equal(new[]
                {
                    new CatchClause(CatchKind.Catch, 1, 2), new CatchClause(CatchKind.CatchRef, 3, 4),
                    new CatchClause(CatchKind.CatchAll, 0, 5), new CatchClause(CatchKind.CatchAllRef, 0, 6),
                }, op.Catches.ToArray());
                break;
            case ImmediateKind.BrOnCast:
                Assert.Equal(300u, op.Index);
                Assert.Equal(HeapType.Any, op.Heap); Assert.False(op.Nullable);
                Assert.Equal(HeapType.Concrete(7), op.Heap2); Assert.True(op.Nullable2);
                break;
        }
    }

    public static IEnumerable<object[]> AllOpcodes() =>
        Enumerable.Range(0, OpcodeInfo.Count).Select(i => new object[] { (Opcode)i });

    [Theory]
    [MemberData(nameof(AllOpcodes))]
    public void EveryOpcodeDecodesWithItsImmediates(Opcode opcode)
    {
        var w = new WasmWriter();
        w.Opcode(opcode);
        WriteImmediates(w, opcode.Immediates());
        int opEnd = w.Length;
        // Close whatever the operator opened, then the expression itself.
        bool opens = opcode.Immediates() is ImmediateKind.Block or ImmediateKind.TryTable;
        if (opens) w.Opcode(Opcode.End);
        if (opcode != Opcode.End) w.Opcode(Opcode.End);
        var bytes = w.ToArray();

        var r = OperatorReader.ForBody(bytes, 1000);
        var op = r.Read();
        Assert.Equal(opcode, op.Opcode);
        Assert.Equal(1000, op.Offset);
        Assert.Equal(opEnd, r.Position);
        CheckImmediates(opcode, op);
        if (opcode == Opcode.End) { Assert.True(r.AtEnd); return; }
        Assert.Equal(opens ? 1 : 0, r.Depth);
        while (!r.AtEnd) r.Read();
        Assert.Equal(bytes.Length, r.Position);
    }

    [Fact]
    public void DepthTracksNestingAndFinalEnd()
    {
        var w = new WasmWriter();
        w.Opcode(Opcode.Block); w.Byte(0x40);          // depth 1
        w.Opcode(Opcode.Loop); w.Byte(0x40);           // depth 2
        w.Opcode(Opcode.I32Const); w.S32(1);
        w.Opcode(Opcode.If); w.Byte(0x40);             // depth 3
        w.Opcode(Opcode.Else);
        w.Opcode(Opcode.End);                          // depth 2
        w.Opcode(Opcode.End);                          // 1
        w.Opcode(Opcode.End);                          // 0
        w.Opcode(Opcode.Nop);
        w.Opcode(Opcode.End);                          // final
        var r = OperatorReader.ForBody(w.ToArray(), 0);
        var depths = new List<int>();
        while (!r.AtEnd) { r.Read(); depths.Add(r.Depth); }
        Assert.Equal(new[] { 1, 2, 2, 3, 3, 2, 1, 0, 0, 0 }, depths);
    }

    [Fact]
    public void LegacyTryDelegateClosesTheTry()
    {
        var w = new WasmWriter();
        w.Opcode(Opcode.Try); w.Byte(0x40);
        w.Opcode(Opcode.Delegate); w.U32(0);
        w.Opcode(Opcode.End);
        var r = OperatorReader.ForBody(w.ToArray(), 0);
        r.Read(); Assert.Equal(1, r.Depth);
        r.Read(); Assert.Equal(0, r.Depth);
        r.Read(); Assert.True(r.AtEnd);
    }

    [Fact]
    public void ConstExprStopsAtItsEnd()
    {
        byte[] bytes = [0x41, 0x05, 0x0B, 0xFF, 0xFF];
        var r = OperatorReader.ForConstExpr(bytes, 0);
        Assert.Equal(Opcode.I32Const, r.Read().Opcode);
        Assert.Equal(Opcode.End, r.Read().Opcode);
        Assert.True(r.AtEnd);
        Assert.Equal(3, r.Position);
    }

    [Fact]
    public void BuffersAreReusedAcrossReads()
    {
        var buffers = new OperatorBuffers();
        var w = new WasmWriter();
        w.Opcode(Opcode.BrTable); w.U32(2); w.U32(0); w.U32(0); w.U32(0);
        w.Opcode(Opcode.End);
        var bytes = w.ToArray();
        var r1 = OperatorReader.ForBody(bytes, 0, buffers);
        var t1 = r1.Read().Targets;
        var r2 = OperatorReader.ForBody(bytes, 0, buffers);
        var t2 = r2.Read().Targets;
        Assert.True(System.Runtime.CompilerServices.Unsafe.AreSame(
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(t1),
            ref System.Runtime.InteropServices.MemoryMarshal.GetReference(t2)));
    }

    [Fact]
    public void LargeBrTableGrowsItsBuffer()
    {
        var w = new WasmWriter();
        w.Opcode(Opcode.BrTable); w.U32(1000);
        for (uint i = 0; i < 1000; i++) w.U32(i);
        w.U32(5);
        w.Opcode(Opcode.End);
        var r = OperatorReader.ForBody(w.ToArray(), 0);
        var op = r.Read();
        Assert.Equal(1000, op.Targets.Length);
        Assert.Equal(999u, op.Targets[999]);
        Assert.Equal(5u, op.Index);
    }

    [Fact]
    public void MemArgWithoutMemoryIndex()
    {
        byte[] bytes = [0x28, 0x02, 0x10, 0x0B];
        var r = OperatorReader.ForBody(bytes, 0);
        Assert.Equal(new MemArg(2, 0, 16), r.Read().MemArg);
    }

    [Theory]
    [InlineData(new byte[] { 0x28, 0x80, 0x01, 0x00, 0x0B }, "malformed memop flags", 1)]
    [InlineData(new byte[] { 0x28, 0x80, 0x02, 0x00, 0x0B }, "malformed memop flags", 1)]
    [InlineData(new byte[] { 0xFF, 0x0B }, "illegal opcode ff", 0)]
    [InlineData(new byte[] { 0x27, 0x0B }, "illegal opcode 27", 0)]
    [InlineData(new byte[] { 0x01, 0xFC, 0xFF, 0x01, 0x0B }, "illegal opcode fc ff", 1)]
    [InlineData(new byte[] { 0xFD, 0x80, 0x80, 0x80, 0x80, 0x10, 0x0B }, "integer too large", 5)]
    [InlineData(new byte[] { 0x41, 0x01 }, "unexpected end of section or function", 2)]
    [InlineData(new byte[] { 0x02, 0x40, 0x0B }, "unexpected end of section or function", 3)]
    [InlineData(new byte[] { 0x0B, 0x01 }, "section size mismatch", 1)]
    [InlineData(new byte[] { 0xFE, 0x03, 0x01, 0x0B }, "zero byte expected", 2)]
    [InlineData(new byte[] { 0x1F, 0x40, 0x01, 0x04, 0x00, 0x0B, 0x0B }, "malformed catch clause", 3)]
    [InlineData(new byte[] { 0xFB, 0x18, 0x04, 0x00, 0x6E, 0x6E, 0x0B }, "malformed br_on_cast flags", 2)]
    [InlineData(new byte[] { 0xD0, 0x7F, 0x0B }, "malformed heap type", 1)]
    public void MalformedOperators(byte[] bytes, string message, int offset)
    {
        var e = Fails(bytes);
        Assert.Equal(message, e.Message);
        Assert.Equal(offset, e.Location.Offset);
    }

    [Fact]
    public void SuiteIllegalOpcodeBody()
    {
        // binary.wast: "\00\ff\00\00\0b" in a body is "illegal opcode ff" (0xff is not a prefix).
        Assert.Equal("illegal opcode ff", Fails([0x00, 0xFF, 0x00, 0x00, 0x0B]).Message);
    }
}
