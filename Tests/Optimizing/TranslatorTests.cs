using Hoist.Optimizing;
using Hoist.Optimizing.Ir;

namespace Hoist.Tests.Optimizing;

/// <summary>The wasm-to-IR translation and its SSA construction, on small modules.</summary>
public class TranslatorTests
{
    [Fact]
    public void ALocalTheLoopDoesNotChangeGetsNoParameter()
    {
        var f = IrTestKit.Translate("""
            (module (func (param $n i32) (param $k i32) (result i32) (local $i i32)
              (loop $l
                (local.set $i (i32.add (local.get $i) (local.get $k)))
                (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
              (local.get $i)))
            """)[0];
        // $n and $k are read in the loop but never written there: the header's parameter for them is trivial.
        IrTestKit.AssertIr("""
            function %func0 wasm (i64, i32, i32) -> i32 {
            block0(v0: i64, v1: i32, v2: i32):
                v3 = iconst.i32 0
                jump block1(v3)
            block1(v4: i32):
                v5 = iadd.i32 v4, v2
                v6 = icmp.i32 ult v5, v1
                brif v6, block1(v5), block2
            block2:
                return v5
            }
            """, f);
    }

    [Fact]
    public void NestedLoopsCarryOnlyWhatTheyChange()
    {
        var f = IrTestKit.Translate("""
            (module (func (param $n i32) (result i32) (local $i i32) (local $j i32) (local $s i32)
              (loop $outer
                (local.set $j (i32.const 0))
                (loop $inner
                  (local.set $s (i32.add (local.get $s) (local.get $j)))
                  (local.set $j (i32.add (local.get $j) (i32.const 1)))
                  (br_if $inner (i32.lt_u (local.get $j) (local.get $n))))
                (local.set $i (i32.add (local.get $i) (i32.const 1)))
                (br_if $outer (i32.lt_u (local.get $i) (local.get $n))))
              (local.get $s)))
            """)[0];
        var outer = f.NextBlock(f.EntryBlock);
        var inner = f.NextBlock(outer);
        Assert.Equal(2, f.BlockParams(outer).Length);  // $i, $s
        Assert.Equal(2, f.BlockParams(inner).Length);  // $s, $j
    }

    [Fact]
    public void ManySequentialDiamondsAndDeepNestingDoNotOverflowTheStack()
    {
        // Plain (not folded) instructions, so the text parser does not recurse either.
        const int n = 20_000;
        var sb = new System.Text.StringBuilder("(module (func (param $c i32) (result i32) (local $x i32) (local $y i32)\n");
        for (int i = 0; i < n; i++) sb.Append("local.get $c if i32.const 1 local.set $x end\n");
        for (int i = 0; i < n; i++) sb.Append("block ");
        sb.Append("local.get $y local.get $x i32.add local.set $y\n");
        for (int i = 0; i < n; i++) sb.Append("end ");
        sb.Append("\nlocal.get $x local.get $y i32.add))");
        var parsed = Hoist.Wasm.Text.WatParser.ParseModule(sb.ToString());
        var module = Hoist.Wasm.Binary.ModuleDecoder.Decode(Hoist.Wasm.Binary.ModuleEncoder.Encode(parsed));
        var ctx = Hoist.Wasm.Validation.ModuleValidator.ValidateModule(module);
        Function? f = null;
        Exception? error = null;
        // A small stack: SSA lookups across 20000 merges must not recurse.
        var t = new Thread(() =>
        {
            try { f = Hoist.Optimizing.Translate.ModuleTranslator.TranslateAll(ctx, new Hoist.Vm.VmOffsets(module))[0]; }
            catch (Exception e) { error = e; }
        }, 256 * 1024);
        t.Start();
        t.Join();
        Assert.Null(error);
        Assert.NotNull(f);
        Verifier.Verify(f);
        Assert.True(f.BlockCount > 2 * n);
    }

    [Fact]
    public void UnreachableCodeEmitsNothingButFramesStillBalance()
    {
        var f = IrTestKit.Translate("""
            (module (func (param i32) (result i32)
              (block (result i32)
                (br 0 (i32.const 7))
                (if (result i32) (local.get 0) (then (i32.const 1)) (else (loop (result i32) (i32.const 2))))
                (drop)
                (i32.const 3))))
            """)[0];
        IrTestKit.AssertIr("""
            function %func0 wasm (i64, i32) -> i32 {
            block0(v0: i64, v1: i32):
                v2 = iconst.i32 7
                jump block1(v2)
            block1(v3: i32):
                return v3
            }
            """, f);
    }

    [Fact]
    public void BranchesToTheFunctionLabelUseAnExitBlock()
    {
        var f = IrTestKit.Translate("""
            (module (func (param i32) (result i32)
              (br_if 0 (i32.const 5) (local.get 0))
              (drop)
              (i32.const 6)))
            """)[0];
        IrTestKit.AssertIr("""
            function %func0 wasm (i64, i32) -> i32 {
            block0(v0: i64, v1: i32):
                v2 = iconst.i32 5
                brif v1, block1(v2), block2
            block2:
                v3 = iconst.i32 6
                return v3
            block1(v4: i32):
                return v4
            }
            """, f);
    }

    [Fact]
    public void AnOffsetPastTheAddressSpaceTrapsUnconditionally()
    {
        var f = IrTestKit.Translate("""
            (module (memory i64 1) (func (param i64) (result i32)
              (i32.load offset=0xFFFFFFFFFFFFFFFE (local.get 0))))
            """)[0];
        IrTestKit.AssertIr("""
            function %func0 wasm (i64, i64) -> i32 {
            block0(v0: i64, v1: i64):
                trap memory_out_of_bounds
            }
            """, f);
    }

    [Fact]
    public void NonFinalTypesCheckSubtypingThroughTheBuiltin()
    {
        var f = IrTestKit.Translate("""
            (module (type $t (sub (func))) (table 1 funcref)
              (func (param i32) (call_indirect (type $t) (local.get 0))))
            """)[0];
        string text = IrPrinter.Print(f);
        Assert.Contains("sysv (i64, i32, i64) -> i32", text);
        Assert.Contains("trapz", text);
        Assert.Contains("indirect_call_type_mismatch", text);
        Assert.Equal(3, f.Blocks.Count()); // entry, the IsSubtype call, the call
    }

    [Fact]
    public void OutOfScopeFeaturesAreReportedAsSuch()
    {
        var e = Assert.Throws<UnsupportedFeatureException>(() => IrTestKit.Translate("(module (func (drop (i32x4.splat (i32.const 1)))))"));
        Assert.Equal(Hoist.Wasm.Feature.Simd, e.Feature);
        Assert.True(e.Location.Offset > 0);
    }

    [Fact]
    public void InvalidBodiesAreRejectedByTheDrivenValidator()
    {
        var parsed = Hoist.Wasm.Text.WatParser.ParseModule("(module (func (result i32) (i64.const 1)))");
        var module = Hoist.Wasm.Binary.ModuleDecoder.Decode(Hoist.Wasm.Binary.ModuleEncoder.Encode(parsed));
        var ctx = Hoist.Wasm.Validation.ModuleValidator.ValidateModule(module);
        var e = Assert.Throws<Hoist.Wasm.ValidationException>(() =>
            Hoist.Optimizing.Translate.ModuleTranslator.TranslateAll(ctx, new Hoist.Vm.VmOffsets(module)));
        Assert.Contains("type mismatch", e.Message);
    }
}

static class BlockCountExtension
{
    public static int Count(this Function.BlockEnumerable blocks)
    {
        int n = 0;
        foreach (var _ in blocks) n++;
        return n;
    }
}
