using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Text;

/// <summary>
/// Instruction encodings: plain and folded forms, block types, labels, memory arguments, SIMD,
/// reference and GC instructions, exceptions (new and legacy). Expected bytes of the MVP, SIMD and
/// multi-memory cases were checked against wat2wasm 1.0.32; the GC and exception ones (which that
/// wabt cannot encode) were worked out from the binary format by hand.
/// </summary>
public class WatInstructionTests
{
    /// <summary>The encoded body (without the final <c>end</c>) of the last function of <paramref name="fields"/>.</summary>
    static string Code(string fields)
    {
        var m = WatParser.ParseModule(fields);
        string hex = Convert.ToHexString(m.Code[^1].Code.Span);
        Assert.EndsWith("0B", hex);
        return hex[..^2];
    }

    [Theory]
    [InlineData("(func (result i32) (i32.add (i32.const 1) (i32.mul (i32.const 2) (i32.const 3))))", "(func (result i32) i32.const 1 i32.const 2 i32.const 3 i32.mul i32.add)")]
    [InlineData("(func (result i32) (if (result i32) (i32.const 1) (then (i32.const 2)) (else (i32.const 3))))", "(func (result i32) i32.const 1 if (result i32) i32.const 2 else i32.const 3 end)")]
    [InlineData("(func (block $a (loop $b (br_if $b (i32.const 0)) (br $a))))", "(func block $a loop $b i32.const 0 br_if $b br $a end end)")]
    [InlineData("(func (local i32) (local.set 0 (select (i32.const 1) (i32.const 2) (local.get 0))))", "(func (local i32) i32.const 1 i32.const 2 local.get 0 select local.set 0)")]
    public void FoldedAndPlainFormsEncodeAlike(string folded, string plain) => Assert.Equal(Code(plain), Code(folded));

    [Fact]
    public void PlainOperandsInsideAFoldedInstructionAreAcceptedAsByWasmTools()
    {
        Assert.Equal(Code("(func (param i32) (result i32) local.get 0 i32.const 1 i32.add)"), Code("(func (param i32) (result i32) (i32.add local.get 0 (i32.const 1)))"));
        // ...but an if's condition must still be folded, as the spec suite requires.
        Assert.Throws<MalformedException>(() => WatParser.ParseModule("(func (if i32.const 0 (then) (else)))"));
    }

    [Theory]
    [InlineData("(func (i32.const 0) (i64.const -1) (f32.const 1.5) (f64.const -0x1p-1) drop drop drop drop)", "4100427F430000C03F44000000000000E0BF1A1A1A1A")]
    [InlineData("(func (drop (i32.const 0xffff_ffff)) (drop (i64.const 0x8000_0000_0000_0000)))", "417F1A428080808080808080807F" + "1A")]
    [InlineData("(func (drop (f32.const nan:0x200000)) (drop (f64.const -inf)))", "430000A07F1A44000000000000F0FF1A")]
    public void Constants(string func, string expected) => Assert.Equal(expected.Replace(" ", ""), Code(func));

    [Theory]
    [InlineData("(func (block))", "02400B")]
    [InlineData("(func (block (result f64) (f64.const 0)) drop)", "027C4400000000000000000B1A")]
    [InlineData("(type $t (func (result i32))) (func (block (type $t) (i32.const 1)) drop)", "027F41010B1A")]
    [InlineData("(type $t (func (param i32) (result i32))) (func (i32.const 1) (block (type $t) (param i32) (result i32)) drop)", "410102000B1A")]
    [InlineData("(func (i32.const 1) (loop (param i32) (result i32 i32) (i32.const 2)) drop drop)", "4101030141020B1A1A")]
    public void BlockTypesUseTheShortestForm(string fields, string expected) => Assert.Equal(expected, Code(fields));

    [Fact]
    public void LabelsResolveToTheInnermostBlockWithThatId()
    {
        Assert.Equal("0240" + "0240" + "0C00" + "0C01" + "0B" + "0240" + "0C00" + "0B" + "0C00" + "0B",
            Code("(func (block $a (block $b (br $b) (br $a)) (block $a (br $a)) (br $a)))"));
        // The function body is the outermost label; an if's label covers both arms.
        Assert.Equal("0C00" + "4100" + "0440" + "0C00" + "05" + "0C00" + "0B", Code("(func (br 0) (if $l (i32.const 0) (then (br $l)) (else (br $l))))"));
        Assert.Equal("0240" + "0240" + "4100" + "0E03" + "000101" + "02" + "0B0B", Code("(func (block $x (block (br_table 0 1 $x 2 (i32.const 0)))))"));
    }

    [Fact]
    public void EmptyElseIsNotEncoded()
    {
        Assert.Equal("410004400B", Code("(func (if (i32.const 0) (then) (else)))"));
        Assert.Equal("410004400B", Code("(func i32.const 0 if else end)"));
        Assert.Equal("41000440010B", Code("(func (if (i32.const 0) (then nop) (else)))"));
        Assert.Equal("410004400501 0B".Replace(" ", ""), Code("(func (if (i32.const 0) (then) (else nop)))"));
    }

    [Theory]
    [InlineData("(memory 1) (func (drop (i32.load (i32.const 0))))", "410028020 01A")]
    [InlineData("(memory 1) (func (drop (i64.load8_u offset=0x10 align=1 (i32.const 0))))", "41003100101A")]
    [InlineData("(memory 1) (memory $m 1) (func (drop (i64.load $m offset=16 align=4 (i32.const 0))))", "41002942 01101A")]
    [InlineData("(memory i64 1) (func (drop (i32.load offset=0x1_0000_0000 (i64.const 0))))", "420028028080808010 1A")]
    [InlineData("(memory 1) (memory $m 1) (func (memory.init $m 1 (i32.const 0) (i32.const 0) (i32.const 0)) (memory.copy $m 0 (i32.const 0) (i32.const 0) (i32.const 0)) (memory.fill 1 (i32.const 0) (i32.const 0) (i32.const 0)) (drop (memory.grow $m (i32.const 1)))) (data \"\") (data \"\")",
        "410041004100FC080101" + "410041004100FC0A0100" + "410041004100FC0B01" + "4101400 11A")]
    [InlineData("(memory 1) (func (memory.init 0 (i32.const 0) (i32.const 0) (i32.const 0)) (memory.copy (i32.const 0) (i32.const 0) (i32.const 0))) (data \"\")",
        "410041004100FC080000" + "410041004100FC0A0000")]
    public void MemoryInstructions(string fields, string expected) => Assert.Equal(expected.Replace(" ", ""), Code(fields));

    [Theory]
    [InlineData("(table $t 1 funcref) (table $u 1 funcref) (type $v (func)) (func (call_indirect $u (type $v) (i32.const 0)) (call_indirect (i32.const 0)))", "4100110001" + "4100110000")]
    [InlineData("(table 1 funcref) (func (result i32) (call_indirect (param i64) (result i32) (i64.const 0) (i32.const 0)))", "4200410011010 0")]
    [InlineData("(table $t 1 funcref) (table $u 1 funcref) (elem $e func) (func (table.init $u $e (i32.const 0) (i32.const 0) (i32.const 0)) (table.init $e (i32.const 0) (i32.const 0) (i32.const 0)) (table.copy $t $u (i32.const 0) (i32.const 0) (i32.const 0)) (drop (table.size)) (drop (table.grow $u (ref.null func) (i32.const 1))))",
        "410041004100FC0C0001" + "410041004100FC0C0000" + "410041004100FC0E0001" + "FC10001A" + "D0704101FC0F011A")]
    public void TableAndCallInstructions(string fields, string expected) => Assert.Equal(expected.Replace(" ", ""), Code(fields));

    [Theory]
    [InlineData("(func (result v128) (v128.const i32x4 1 2 3 0xffffffff))", "FD0C01000000020000000300000 0FFFFFFFF")]
    [InlineData("(func (result v128) (v128.const i8x16 0 1 2 3 4 5 6 7 8 9 10 11 12 13 -1 255))", "FD0C000102030405060708090A0B0C0DFFFF")]
    [InlineData("(func (result v128) (v128.const f32x4 1.5 -0 inf nan))", "FD0C0000C03F000000800000807F0000C07F")]
    [InlineData("(func (result v128) (v128.const f64x2 1 -nan:0x1))", "FD0C000000000000F03F010000000000F0FF")]
    [InlineData("(func (param v128) (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 31 (local.get 0) (local.get 0)))", "20002000FD0D000102030405060708090A0B0C0D0E1F")]
    [InlineData("(func (param v128) (result i32) (i8x16.extract_lane_u 15 (local.get 0)))", "2000FD160F")]
    [InlineData("(memory 1) (memory $m 1) (func (param i32 v128) (result v128) (v128.load8_lane $m offset=2 3 (local.get 0) (local.get 1)))", "20002001FD5440010203")]
    [InlineData("(memory 1) (func (param i32 v128) (result v128) (v128.load8_lane 3 (local.get 0) (local.get 1)))", "20002001FD54000003")]
    [InlineData("(memory 1) (memory 1) (func (param i32 v128) (result v128) (v128.load16_lane 1 1 (local.get 0) (local.get 1)))", "20002001FD5541010001")]
    [InlineData("(memory 1) (func (param i32) (result v128) (v128.load offset=1 (local.get 0)))", "2000FD000401")]
    public void SimdInstructions(string fields, string expected) => Assert.Equal(expected.Replace(" ", ""), Code(fields));

    [Theory]
    // select with a result type is the typed form; ref.null takes a heap type.
    [InlineData("(func (result i32) (select (result i32) (i32.const 1) (i32.const 2) (i32.const 0)))", "410141024100 1C017F")]
    [InlineData("(func (result externref) (select (result externref) (ref.null extern) (ref.null extern) (i32.const 0)))", "D06FD06F41001C016F")]
    [InlineData("(type $t (func)) (func (drop (ref.null $t)) (drop (ref.null none)) (drop (ref.null noexn)))", "D0001AD0711AD0741A")]
    [InlineData("(func $f (drop (ref.func $f)) (drop (ref.is_null (ref.null func))))", "D2001AD070D11A")]
    [InlineData("(type $t (func)) (func (param (ref null $t)) (call_ref $t (local.get 0)) (return_call_ref $t (local.get 0)))", "200014002000 1500")]
    public void ReferenceInstructions(string fields, string expected) => Assert.Equal(expected.Replace(" ", ""), Code(fields));

    [Theory]
    // ref.test/ref.cast choose the nullable opcode (0x15/0x17) from the target type.
    [InlineData("(type $s (struct)) (func (param anyref) (drop (ref.test (ref $s) (local.get 0))) (drop (ref.test (ref null $s) (local.get 0))))", "2000FB14001A" + "2000FB15001A")]
    [InlineData("(type $s (struct)) (func (param anyref) (drop (ref.cast (ref $s) (local.get 0))) (drop (ref.cast i31ref (local.get 0))) (drop (ref.test nullref (local.get 0))))", "2000FB16001A" + "2000FB176C1A" + "2000FB15711A")]
    // br_on_cast flags: bit 0 source nullable, bit 1 target nullable.
    [InlineData("(type $s (struct)) (func (param anyref) (result anyref) (block $l (result anyref) (br_on_cast $l anyref (ref $s) (local.get 0))))", "026E2000FB1801006E000B")]
    [InlineData("(type $s (struct)) (func (param (ref any)) (result anyref) (block $l (result anyref) (br_on_cast_fail 0 (ref any) (ref null $s) (local.get 0))))", "026E2000FB1902006E000B")]
    [InlineData("(type $p (struct (field $x i32) (field $y (mut f32)))) (func (result f32) (struct.get $p $y (struct.new $p (i32.const 1) (f32.const 2))))", "4101430000004 0FB0000FB020001")]
    [InlineData("(type $p (struct (field $x i32) (field $y (mut f32)))) (func (param (ref $p)) (struct.set $p $y (local.get 0) (f32.const 0)) (drop (struct.new_default $p)))", "200043000000 00FB050001FB01001A")]
    [InlineData("(type $a (array (mut i8))) (data $d \"\") (elem $e funcref) (func (drop (array.new_fixed $a 3 (i32.const 1) (i32.const 2) (i32.const 3))) (drop (array.new_data $a $d (i32.const 0) (i32.const 1))) (drop (array.len (array.new_default $a (i32.const 0)))))",
        "410141024103FB0800031A" + "41004101FB0900001A" + "4100FB0700FB0F1A")]
    [InlineData("(type $a (array (mut i32))) (type $b (array i32)) (func (param (ref $a) (ref $b)) (array.copy $a $b (local.get 0) (i32.const 0) (local.get 1) (i32.const 0) (i32.const 1)))", "2000410020014100 4101FB110001")]
    [InlineData("(func (param i32) (result i32) (i31.get_s (ref.i31 (local.get 0))))", "2000FB1CFB1D")]
    [InlineData("(func (param externref) (result externref) (extern.convert_any (any.convert_extern (local.get 0))))", "2000FB1AFB1B")]
    public void GcInstructions(string fields, string expected) => Assert.Equal(expected.Replace(" ", ""), Code(fields));

    [Theory]
    // try_table catch labels are resolved outside the try_table.
    [InlineData("(tag $e (param i32)) (func (result i32) (block $outer (result i32) (try_table (result i32) (catch $e $outer) (catch_all_ref 1) (i32.const 1))))",
        "027F" + "1F7F02" + "000000" + "0301" + "4101" + "0B0B")]
    [InlineData("(tag $e) (func (try_table (catch_ref $e 0) (catch_all 0) (throw $e)) (throw_ref (ref.null exn)))", "1F4002010000 02000800 0BD0690A")]
    // legacy try: catch, catch_all, rethrow, delegate (whose label is counted outside the try)
    [InlineData("(tag $e (param i32)) (func (result i32) (try (result i32) (do (i32.const 1)) (catch $e) (catch_all (i32.const 3))))", "067F4101070019 41030B")]
    [InlineData("(func (block $b (try (do nop) (delegate $b))))", "02400640011800 0B")]
    [InlineData("(func (try (do) (catch_all (rethrow 0))))", "064019 09000B")]
    [InlineData("(tag $e) (func try $t nop catch $e rethrow $t catch_all end $t)", "064001070009001 90B")]
    [InlineData("(func block $b try $t nop delegate $b end)", "0240064001180 00B")]
    public void ExceptionInstructions(string fields, string expected) => Assert.Equal(expected.Replace(" ", ""), Code(fields));

    [Theory]
    [InlineData("(memory 1 1 shared) (func (param i32) (result i32) (i32.atomic.rmw.add offset=4 (local.get 0) (i32.const 1)))", "20004101FE1E0204")]
    [InlineData("(func (atomic.fence))", "FE0300")]
    [InlineData("(func (param i64 i64 i64 i64) (result i64 i64) (i64.add128 (local.get 0) (local.get 1) (local.get 2) (local.get 3)))", "2000200120022003FC13")]
    public void ThreadsAndWideArithmetic(string fields, string expected) => Assert.Equal(expected, Code(fields));
}
