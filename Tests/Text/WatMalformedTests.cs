using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Text;

/// <summary>
/// Malformed text modules are rejected with the spec suite's wording (the message starts with the
/// words the suite expects) and a location; well-formed but invalid modules are accepted.
/// </summary>
public class WatMalformedTests
{
    [Theory]
    // tokens
    [InlineData("(func (drop (i32.const0)))", "unknown operator")]
    [InlineData("(func br 0drop)", "unknown operator")]
    [InlineData("(data $l\"a\")", "unknown operator")]
    [InlineData("(func \"a\"x)", "unknown operator")]
    [InlineData("(func (block $l (i32.const 0) (br_table $l0)))", "unknown label")]
    [InlineData("(func $)", "empty identifier")]
    [InlineData("(func $(@a))", "empty identifier")]
    [InlineData("((@a)@b)", "unknown operator")]
    [InlineData("(@x))", "unexpected token")]
    [InlineData("(func (drop (get_local 0)))", "unknown operator get_local")]
    [InlineData("(global $g anyfunc (ref.null func))", "unknown operator anyfunc")]
    // constants
    [InlineData("(func (i32.const) drop)", "unexpected token")]
    [InlineData("(func (i32.const 0x) drop)", "unknown operator")]
    [InlineData("(func (f32.const .0) drop)", "unknown operator")]
    [InlineData("(func (f64.const 0x1p1024) drop)", "constant out of range")]
    [InlineData("(func (i32.const 4294967296) drop)", "constant out of range")]
    [InlineData("(func (i64.const -9223372036854775809) drop)", "constant out of range")]
    [InlineData("(func (f32.const nan:0x80_0000) drop)", "constant out of range")]
    [InlineData("(func (f32.const nan:1) drop)", "unknown operator")]
    [InlineData("(func (result f32) (f32.const nan:canonical))", "unexpected token")]
    [InlineData("(global i32 (i32.const 1__000))", "unknown operator")]
    // SIMD
    [InlineData("(func (v128.const 0 0 0 0) drop)", "unexpected token")]
    [InlineData("(func (v128.const i32x4) drop)", "wrong number of lane literals")]
    [InlineData("(func (v128.const i32x4 1 1 1 1 1) drop)", "wrong number of lane literals")]
    [InlineData("(func (v128.const i32x4 0x10000000000000000 0x10000000000000000) drop)", "wrong number of lane literals")]
    [InlineData("(func (v128.const i8x16 256 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0) drop)", "constant out of range")]
    [InlineData("(func (v128.const f32x4 .0 .0 .0 .0) drop)", "unknown operator")]
    [InlineData("(func (result i32) (i8x16.extract_lane_s -1 (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))", "unexpected token")]
    [InlineData("(func (result i32) (i8x16.extract_lane_s 256 (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))", "i8 constant out of range")]
    [InlineData("(func (param v128) (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 (local.get 0) (local.get 0)))", "invalid lane length")]
    [InlineData("(func (param v128) (result v128) (i8x16.shuffle 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 -1 (local.get 0) (local.get 0)))", "i8 constant out of range")]
    // memory arguments
    [InlineData("(memory 0) (func (drop (i32.load8_s align=0 (i32.const 0))))", "alignment")]
    [InlineData("(memory 0) (func (drop (i32.load align=7 (i32.const 0))))", "alignment must be a power of two")]
    [InlineData("(memory 1) (func (drop (v128.load offset=-1 (i32.const 0))))", "unknown operator")]
    [InlineData("(memory 1) (func (param i32) (result i32) (i32.load32_u (local.get 0)))", "unknown operator")]
    // type uses
    [InlineData("(type $sig (func)) (func (type $sig) (result i32) (i32.const 0))", "inline function type")]
    [InlineData("(type $sig (func (param i32) (result i32))) (func (i32.const 0) (block (type $sig) (param i32) (drop)) (unreachable))", "inline function type")]
    [InlineData("(func (type 2) (param i32))", "unknown type")]
    [InlineData("(type $sig (func (param i32) (result i32))) (func (param i32) (type $sig) (result i32) (i32.const 0))", "unexpected token")]
    [InlineData("(type $sig (func (param i32) (result i32))) (func (i32.const 0) (block (type $sig) (result i32) (param i32)))", "unexpected token")]
    [InlineData("(func (result i32) (param i32) (i32.const 0))", "unexpected token")]
    [InlineData("(func (nop) (local i32))", "unexpected token")]
    [InlineData("(func (i32.const 0) (block (param $x i32) (drop)))", "unexpected token")]
    [InlineData("(table 0 funcref) (func (call_indirect (param $x i32) (i32.const 0) (i32.const 0)))", "unexpected token")]
    [InlineData("(type (func (result $x i32)))", "unexpected token")]
    // labels and blocks
    [InlineData("(func block end $l)", "mismatching label")]
    [InlineData("(func block $a end $l)", "mismatching label")]
    [InlineData("(func i32.const 0 if $a else $l end $a)", "mismatching label")]
    [InlineData("(func (br $nowhere))", "unknown label")]
    [InlineData("(func (if i32.const 0 (then) (else)))", "unexpected token")]
    [InlineData("(module (func (catch_all)))", "unexpected token")]
    [InlineData("(module (func (try (do) (catch_all) (catch_all))))", "unexpected token")]
    [InlineData("(module (func (try (do) (delegate) (delegate 0))))", "unexpected token")]
    // ids and ordering
    [InlineData("(func $foo) (func $foo)", "duplicate func")]
    [InlineData("(import \"\" \"\" (func $foo)) (func $foo)", "duplicate func")]
    [InlineData("(func (param $foo i32) (local $foo i32))", "duplicate local")]
    [InlineData("(global $foo i32 (i32.const 0)) (global $foo i32 (i32.const 0))", "duplicate global")]
    [InlineData("(memory $foo 1) (memory $foo 1)", "duplicate memory")]
    [InlineData("(table $foo 1 funcref) (table $foo 1 funcref)", "duplicate table")]
    [InlineData("(type (struct (field $x i32) (field $x i32)))", "duplicate field")]
    [InlineData("(func) (import \"\" \"\" (func))", "import after function")]
    [InlineData("(global i64 (i64.const 0)) (import \"\" \"\" (table 0 funcref))", "import after global")]
    [InlineData("(table 0 funcref) (import \"\" \"\" (memory 0))", "import after table")]
    [InlineData("(memory 0) (import \"\" \"\" (global i32))", "import after memory")]
    [InlineData("(memory 0) (func (import \"\" \"\"))", "import after memory")]
    [InlineData("(func $a) (start $a) (start $a)", "multiple start sections")]
    [InlineData("(func (call $missing))", "unknown function")]
    [InlineData("(func (drop (local.get $missing)))", "unknown local")]
    [InlineData("(func (struct.new $missing))", "unknown type")]
    // names and memories
    [InlineData("(func (export \"\\ff\"))", "malformed UTF-8 encoding")]
    [InlineData("(import \"\\80\" \"x\" (func))", "malformed UTF-8 encoding")]
    [InlineData("(memory 0 (pagesize 3))", "invalid custom page size")]
    [InlineData("(memory 0x1_0000_0000_0000_0000)", "i64 constant out of range")]
    [InlineData("(memory -1)", "unexpected token")]
    // annotations with meaning
    [InlineData("(@custom)", "@custom annotation: missing section name")]
    [InlineData("(@custom \"bla\" (before types))", "@custom annotation: malformed section kind")]
    [InlineData("(@custom \"bla\" (aft type))", "@custom annotation: malformed placement")]
    [InlineData("(@custom \"bla\" here)", "@custom annotation: unexpected token")]
    [InlineData("(func (block (@custom \"bla\")))", "misplaced @custom annotation")]
    [InlineData("(module (@name \"M1\") (@name \"M2\"))", "@name annotation: multiple module")]
    [InlineData("(module (start $f (@name \"M\")) (func $f))", "misplaced @name annotation")]
    public void RejectsWithTheSuitesWording(string text, string message)
    {
        var e = Assert.Throws<MalformedException>(() => WatParser.ParseQuoted(text));
        Assert.StartsWith(message, e.Message);
        Assert.True(e.Location.Line >= 1 && e.Location.Column >= 1, $"no location: {e.OneLine}");
    }

    [Theory]
    [InlineData("(module (func (type 42)))")]
    [InlineData("(module (memory 0x1_0000_0000))")]
    [InlineData("(module (table 0xffff_ffff 0 funcref))")]
    [InlineData("(module (func (result i32) (i8x16.extract_lane_s 255 (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0))))")]
    [InlineData("(module (type $t (func)) (func (block (type $t) (i32.const 0))))")]
    [InlineData("(module (table 0 funcref) (func (call_indirect (type 0xffffffff) (i32.const 0))))")]
    [InlineData("(module (func (select (result) (nop) (nop) (i32.const 1))))")]
    [InlineData("(module (memory 1) (func (drop (i64.load align=16 (i32.const 0)))))")]
    [InlineData("(module (func (br 5)))")]
    [InlineData("(module (type $t (func (param i32))) (func (type $t) (param) (result) (local.get 0) drop))")]
    [InlineData("(module (type (array (mut (ref null 10)))))")]
    [InlineData("(module (memory i64 1) (func (drop (i32.load offset=0xffff_ffff_ffff_ffff (i64.const 0)))))")]
    public void InvalidButWellFormedModulesParse(string text) => Assert.NotNull(WatParser.ParseModule(text));

    [Fact]
    public void ErrorLocationsPointAtTheOffendingToken()
    {
        var e = Assert.Throws<MalformedException>(() => WatParser.ParseModule("(module\n  (func\n    (call $nope)))", "x.wat"));
        Assert.Equal("unknown function $nope", e.Message);
        Assert.Equal("x.wat:3:11", e.Location.ToString());
    }

    [Fact]
    public void TrailingTokensAfterTheModuleAreRejected()
    {
        Assert.StartsWith("unexpected token", Assert.Throws<MalformedException>(() => WatParser.ParseModule("(module) (func)")).Message);
        Assert.StartsWith("unexpected end", Assert.Throws<MalformedException>(() => WatParser.ParseModule("(module (func)")).Message);
    }
}
