using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Text;

/// <summary>
/// The .wast script parser: every command, module forms (text, binary, quote, definition, instance),
/// argument values and result patterns, and malformed text modules captured without stopping the script.
/// </summary>
public class WastParserTests
{
    [Fact]
    public void ParsesModuleForms()
    {
        var s = WastParser.Parse("""
            (module $a (func (export "f")))
            (module $b binary "\00asm" "\01\00\00\00")
            (module quote "(func" " $f)")
            (module definition $d (memory 1))
            (module definition $db binary "\00asm\01\00\00\00")
            (module instance $i $d)
            (register "reg" $a)
            (register "last")
            """, "t.wast");
        Assert.Equal("t.wast", s.File);
        var text = Assert.IsType<WastTextModule>(Assert.IsType<WastModuleCommand>(s.Commands[0]).Module);
        Assert.Equal(("a", 1, 1), (text.Id, text.Line, text.Column));
        Assert.NotNull(text.Module);
        Assert.Single(text.Module!.Exports);
        var binary = Assert.IsType<WastBinaryModule>(((WastModuleCommand)s.Commands[1]).Module);
        Assert.Equal(new byte[] { 0, 0x61, 0x73, 0x6D, 1, 0, 0, 0 }, binary.Bytes);
        Assert.Equal("b", binary.Id);
        var quote = Assert.IsType<WastQuoteModule>(((WastModuleCommand)s.Commands[2]).Module);
        Assert.Equal("(func $f)", quote.Text);
        var def = Assert.IsType<WastTextModule>(((WastModuleCommand)s.Commands[3]).Module);
        Assert.True(def.IsDefinition);
        Assert.Equal("d", def.Id);
        Assert.True(((WastModuleCommand)s.Commands[4]).Module.IsDefinition);
        Assert.Equal(new WastModuleInstance(6, 1, "i", "d"), s.Commands[5]);
        Assert.Equal(new WastRegister(7, 1, "reg", "a"), s.Commands[6]);
        Assert.Equal(new WastRegister(8, 1, "last", null), s.Commands[7]);
    }

    [Fact]
    public void AMalformedTextModuleIsKeptAsAnErrorAndTheScriptGoesOn()
    {
        var s = WastParser.Parse("(module (func (call $nope)))\n(module (func))\n(assert_invalid (module (func (result i32))) \"type mismatch\")");
        var bad = (WastTextModule)((WastModuleCommand)s.Commands[0]).Module;
        Assert.Null(bad.Module);
        Assert.Equal("unknown function $nope", bad.Error!.Message);
        Assert.Equal((1, 21), (bad.Error.Location.Line, bad.Error.Location.Column));
        Assert.NotNull(((WastTextModule)((WastModuleCommand)s.Commands[1]).Module).Module);
        var invalid = Assert.IsType<WastAssertInvalid>(s.Commands[2]);
        Assert.NotNull(((WastTextModule)invalid.Module).Module);
        Assert.Equal("type mismatch", invalid.Message);
    }

    [Fact]
    public void ParsesActionsAndAssertions()
    {
        var s = WastParser.Parse("""
            (invoke "run" (i32.const -1) (i64.const 0x10) (f32.const 1.5) (f64.const -inf))
            (assert_return (invoke $m "f" (ref.null func) (ref.extern 7) (ref.host 3)) (i32.const 1) (ref.null) (ref.extern) (ref.func) (ref.struct) (ref.array) (ref.i31) (ref.eq) (ref.any) (ref.exn))
            (assert_return (get "g") (f32.const nan:canonical) (f64.const nan:arithmetic) (f32.const nan:0x200000))
            (assert_trap (invoke "t") "unreachable")
            (assert_trap (module (func $s unreachable) (start $s)) "unreachable")
            (assert_exhaustion (invoke "loop") "call stack exhausted")
            (assert_exception (invoke "throw"))
            (assert_malformed (module quote "(func") "unexpected end")
            (assert_invalid (module binary "") "bad")
            (assert_unlinkable (module (import "x" "y" (func))) "unknown import")
            (assert_malformed_custom (module quote "(@custom)") "missing")
            (assert_invalid_custom (module) "custom")
            """);
        var invoke = Assert.IsType<WastInvoke>(Assert.IsType<WastActionCommand>(s.Commands[0]).Action);
        Assert.Equal("run", invoke.Name);
        Assert.Null(invoke.ModuleId);
        Assert.Equal(new WastValue[]
        {
            new WastNum(ValType.I32, 0xFFFFFFFF), new WastNum(ValType.I64, 0x10), new WastNum(ValType.F32, 0x3FC00000),
            new WastNum(ValType.F64, 0xFFF0000000000000),
        }, invoke.Args);

        var ret = Assert.IsType<WastAssertReturn>(s.Commands[1]);
        Assert.Equal("m", ret.Action.ModuleId);
        Assert.Equal(new WastValue[] { new WastRef("ref.null", HeapType.Func), new WastRef("ref.extern", Payload: 7), new WastRef("ref.host", Payload: 3) },
            ((WastInvoke)ret.Action).Args);
        Assert.Equal(new WastValue[]
        {
            new WastNum(ValType.I32, 1), new WastRef("ref.null"), new WastRef("ref.extern"), new WastRef("ref.func"), new WastRef("ref.struct"),
            new WastRef("ref.array"), new WastRef("ref.i31"), new WastRef("ref.eq"), new WastRef("ref.any"), new WastRef("ref.exn"),
        }, ret.Expected);

        var get = Assert.IsType<WastAssertReturn>(s.Commands[2]);
        Assert.IsType<WastGet>(get.Action);
        Assert.Equal(new WastValue[]
        {
            new WastNanPattern(ValType.F32, WastNanKind.Canonical), new WastNanPattern(ValType.F64, WastNanKind.Arithmetic),
            new WastNum(ValType.F32, 0x7FA00000),
        }, get.Expected);

        Assert.Equal("unreachable", Assert.IsType<WastAssertTrap>(s.Commands[3]).Message);
        var trapModule = Assert.IsType<WastAssertTrap>(s.Commands[4]);
        Assert.Null(trapModule.Action);
        Assert.NotNull(((WastTextModule)trapModule.Module!).Module!.Start);
        Assert.Equal("call stack exhausted", Assert.IsType<WastAssertExhaustion>(s.Commands[5]).Message);
        Assert.IsType<WastAssertException>(s.Commands[6]);
        var malformed = Assert.IsType<WastAssertMalformed>(s.Commands[7]);
        Assert.Equal(("(func", false), (((WastQuoteModule)malformed.Module).Text, malformed.Custom));
        Assert.IsType<WastBinaryModule>(Assert.IsType<WastAssertInvalid>(s.Commands[8]).Module);
        Assert.Equal("unknown import", Assert.IsType<WastAssertUnlinkable>(s.Commands[9]).Message);
        Assert.True(Assert.IsType<WastAssertMalformed>(s.Commands[10]).Custom);
        Assert.True(Assert.IsType<WastAssertInvalid>(s.Commands[11]).Custom);
        Assert.Equal((5, 1), (s.Commands[4].Line, s.Commands[4].Column));
    }

    [Fact]
    public void V128ValuesKeepTheirShapeAndPerLaneNanPatterns()
    {
        var s = WastParser.Parse("""
            (assert_return (invoke "f" (v128.const i16x8 1 2 3 4 5 6 7 -1))
              (v128.const f32x4 1.0 nan:canonical -0 nan:arithmetic)
              (either (v128.const i64x2 1 2) (v128.const f64x2 nan:canonical nan:canonical)))
            """);
        var ret = (WastAssertReturn)s.Commands[0];
        var arg = Assert.IsType<WastV128>(((WastInvoke)ret.Action).Args[0]);
        Assert.Equal("i16x8", arg.Shape);
        Assert.Equal(new V128(0x0004_0003_0002_0001, 0xFFFF_0007_0006_0005), arg.Value);
        Assert.Null(arg.LanePatterns);

        var v = Assert.IsType<WastV128>(ret.Expected[0]);
        Assert.Equal("f32x4", v.Shape);
        Assert.Equal(new V128(0x0000_0000_3F80_0000, 0x0000_0000_8000_0000), v.Value);
        Assert.Equal(new WastNanPattern?[] { null, new(ValType.F32, WastNanKind.Canonical), null, new(ValType.F32, WastNanKind.Arithmetic) }, v.LanePatterns);

        var either = Assert.IsType<WastEither>(ret.Expected[1]);
        Assert.Equal(2, either.Alternatives.Count);
        Assert.Equal(2, ((WastV128)either.Alternatives[1]).LanePatterns!.Length);
    }

    [Fact]
    public void ABareListOfModuleFieldsIsOneImplicitModule()
    {
        var s = WastParser.Parse("(func) (memory 0) (func (export \"f\"))");
        var module = Assert.IsType<WastTextModule>(Assert.IsType<WastModuleCommand>(Assert.Single(s.Commands)).Module);
        Assert.Equal(2, module.Module!.Code.Count);
        Assert.Single(module.Module.Memories);
    }

    [Fact]
    public void AnnotatedModulesAndQuotedModulesWithTheirOwnModuleKeyword()
    {
        var s = WastParser.Parse("((@a) module (@a) $m (@a) (func (@a) $f))\n(module quote \"(module (@custom \\\"bla\\\"))\")");
        var m = ((WastTextModule)((WastModuleCommand)s.Commands[0]).Module).Module!;
        Assert.Equal("f", m.FunctionName(0));
        var quoted = WatParser.ParseQuoted(((WastQuoteModule)((WastModuleCommand)s.Commands[1]).Module).Text);
        Assert.Equal("bla", Assert.Single(quoted.CustomSections).Name);
    }

    [Fact]
    public void ParsesThreadsWaitsAndSuspensions()
    {
        var s = WastParser.Parse("""
            (module $Mem (memory (export "shared") 1 1 shared))
            (thread $T1 (shared (module $Mem))
              (register "mem" $Mem)
              (module (memory (import "mem" "shared") 1 10 shared) (func (export "run")))
              (invoke "run"))
            (wait $T1)
            (assert_suspension (invoke "s") "unhandled")
            """);
        var thread = Assert.IsType<WastThread>(s.Commands[1]);
        Assert.Equal("T1", thread.Id);
        Assert.Equal(new[] { "Mem" }, thread.SharedModules);
        Assert.Equal(3, thread.Commands.Count);
        Assert.IsType<WastRegister>(thread.Commands[0]);
        Assert.NotNull(((WastTextModule)((WastModuleCommand)thread.Commands[1]).Module).Module);
        Assert.Equal(new WastWait(6, 1, "T1"), s.Commands[2]);
        Assert.Equal("unhandled", Assert.IsType<WastAssertSuspension>(s.Commands[3]).Message);
    }

    [Theory]
    [InlineData("(bogus)", "unknown operator")]
    [InlineData("(assert_return (invoke \"f\" (i32.const nan:canonical)))", "unexpected token")]
    [InlineData("(invoke \"f\" (f32.const nan:canonical))", "unexpected token")]
    [InlineData("(assert_return (invoke \"f\") (i32.const 0x1_0000_0000))", "constant out of range")]
    [InlineData("(module", "unexpected end")]
    [InlineData("(register \"\\ff\")", "malformed UTF-8 encoding")]
    public void MalformedScriptsThrow(string text, string message) =>
        Assert.StartsWith(message, Assert.Throws<MalformedException>(() => WastParser.Parse(text)).Message);

    [Fact]
    public void QuotedTextKeepsInvalidUtf8ForTheModuleLexerToReport()
    {
        var s = WastParser.Parse("(module quote \"(func \\ff)\")");
        string text = ((WastQuoteModule)((WastModuleCommand)s.Commands[0]).Module).Text;
        Assert.StartsWith("malformed UTF-8 encoding", Assert.Throws<MalformedException>(() => WatParser.ParseQuoted(text)).Message);
    }
}
