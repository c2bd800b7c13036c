using Xunit.Abstractions;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>
/// Scripts aimed at the optimization passes' edge cases, run on the IR interpreter as translated and as
/// optimized: accesses at the end of memory after a dominating check (bce), stores whose effect must happen
/// before a later access traps (bce merging), loads after stores through another address of the same bytes,
/// across calls and memory.grow (rle), loops whose memory or globals change under an invariant-looking load
/// (licm), divisions by constants at the extremes (strength), constant branches (branch-fold). The spec suite
/// rarely puts two accesses of one base in one function, which is exactly where these passes act.
/// </summary>
public class PassSemanticsTests(ITestOutputHelper output)
{
    const string Script = """
        (module
          (memory 1)
          (global $g (mut i32) (i32.const 0))
          (func $set_g (param i32) (global.set $g (local.get 0)))
          (func $poke (param $a i32) (param $v i32) (i32.store (local.get $a) (local.get $v)))

          ;; bce: the second check has a larger end than the first; the first must not cover it.
          (func (export "two") (param $p i32) (result i32)
            (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p))))
          (func (export "two_rev") (param $p i32) (result i32)
            (i32.add (i32.load offset=4 (local.get $p)) (i32.load (local.get $p))))
          (func (export "three") (param $p i32) (result i32)
            (i32.add (i32.add (i32.load (local.get $p)) (i32.load offset=4 (local.get $p)))
                     (i32.load offset=8 (local.get $p))))
          ;; The store happens before the later access traps: its check must not grow to cover that access.
          (func (export "store_then_load") (param $p i32) (result i32)
            (i32.store (local.get $p) (i32.const 1))
            (i32.load offset=4 (local.get $p)))
          (func (export "peek") (param $p i32) (result i32) (i32.load (local.get $p)))
          (func (export "peek8") (param $p i32) (result i32) (i32.load8_u (local.get $p)))
          ;; A check before memory.grow does not cover one after it with a larger end... and one after covers nothing before.
          (func (export "grow_between") (param $p i32) (result i32)
            (drop (i32.load (local.get $p)))
            (drop (memory.grow (i32.const 1)))
            (i32.load offset=65536 (local.get $p)))

          ;; rle: the store writes the loaded bytes through another address value.
          (func (export "alias") (param $p i32) (result i32)
            (drop (i32.load offset=4 (local.get $p)))
            (i32.store (i32.add (local.get $p) (i32.const 4)) (i32.const 7))
            (i32.load offset=4 (local.get $p)))
          (func (export "narrow") (param $p i32) (result i32)
            (i32.store (local.get $p) (i32.const 0x11223344))
            (i32.store8 offset=1 (local.get $p) (i32.const 0xff))
            (i32.load (local.get $p)))
          (func (export "across_call") (param $p i32) (result i32)
            (drop (i32.load (local.get $p)))
            (call $poke (local.get $p) (i32.const 42))
            (i32.load (local.get $p)))
          (func (export "global_across_call") (result i32)
            (global.set $g (i32.const 5))
            (drop (global.get $g))
            (call $set_g (i32.const 9))
            (global.get $g))
          (func (export "size_after_grow") (result i32)
            (drop (memory.size))
            (drop (memory.grow (i32.const 2)))
            (memory.size))

          ;; licm: the loop changes what the load reads through another address.
          (func (export "loop_alias") (param $p i32) (param $q i32) (result i32)
            (local $i i32) (local $acc i32)
            (i32.store (local.get $p) (i32.const 0))
            (loop $top
              (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $p))))
              (i32.store (local.get $q) (i32.add (i32.load (local.get $q)) (i32.const 1)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $top (i32.lt_u (local.get $i) (i32.const 4))))
            (local.get $acc))
          (func (export "loop_global") (result i32)
            (local $i i32) (local $acc i32)
            (global.set $g (i32.const 1))
            (loop $top
              (local.set $acc (i32.add (local.get $acc) (global.get $g)))
              (call $set_g (i32.add (global.get $g) (i32.const 1)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $top (i32.lt_u (local.get $i) (i32.const 4))))
            (local.get $acc))
          ;; An invariant check in the loop header traps before the first iteration's store, as the original does.
          (func (export "loop_invariant_check") (param $p i32) (param $q i32) (result i32)
            (local $i i32)
            (loop $top
              (drop (i32.load (local.get $p)))
              (i32.store (local.get $q) (local.get $i))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $top (i32.lt_u (local.get $i) (i32.const 3))))
            (local.get $i))
          ;; ... and a check later in the body must not leave the loop (the store of iteration 0 happens first).
          (func (export "loop_late_check") (param $p i32) (param $q i32) (result i32)
            (local $i i32)
            (loop $top
              (i32.store (local.get $q) (i32.add (local.get $i) (i32.const 100)))
              (drop (i32.load (local.get $p)))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $top (i32.lt_u (local.get $i) (i32.const 3))))
            (local.get $i))

          ;; ... nor one first in a later block of the body.
          (func (export "loop_check_in_branch") (param $p i32) (param $q i32) (result i32)
            (local $i i32)
            (loop $top
              (i32.store (local.get $q) (i32.add (local.get $i) (i32.const 200)))
              (if (local.get $q) (then (drop (i32.load (local.get $p)))))
              (local.set $i (i32.add (local.get $i) (i32.const 1)))
              (br_if $top (i32.lt_u (local.get $i) (i32.const 3))))
            (local.get $i))

          ;; strength: divisions by constants.
          (func (export "div_s7") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 7)))
          (func (export "rem_s_m8") (param i32) (result i32) (i32.rem_s (local.get 0) (i32.const -8)))
          (func (export "div_u_big") (param i64) (result i64) (i64.div_u (local.get 0) (i64.const 0x8000000000000001)))
          (func (export "rem_u10") (param i64) (result i64) (i64.rem_u (local.get 0) (i64.const 10)))
          (func (export "div_s_min") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 0x80000000)))
          (func (export "div_s_m1") (param i32) (result i32) (i32.div_s (local.get 0) (i32.const -1)))

          ;; branch-fold: constant conditions and a constant br_table index.
          (func (export "fold") (param $x i32) (result i32)
            (local $c i32)
            (local.set $c (i32.const 1))
            (if (result i32) (local.get $c)
              (then (block $a (block $b (br_table $a $b (i32.const 0))) (return (i32.const 10))) (i32.add (local.get $x) (i32.const 1)))
              (else (unreachable))))
        )

        (assert_return (invoke "two" (i32.const 65528)) (i32.const 0))
        (assert_trap (invoke "two" (i32.const 65532)) "out of bounds memory access")
        (assert_trap (invoke "two_rev" (i32.const 65532)) "out of bounds memory access")
        (assert_trap (invoke "three" (i32.const 65528)) "out of bounds memory access")
        (assert_return (invoke "three" (i32.const 65524)) (i32.const 0))
        (assert_trap (invoke "store_then_load" (i32.const 65532)) "out of bounds memory access")
        (assert_return (invoke "peek" (i32.const 65532)) (i32.const 1))

        (assert_return (invoke "alias" (i32.const 100)) (i32.const 7))
        (assert_return (invoke "narrow" (i32.const 200)) (i32.const 0x1122ff44))
        (assert_return (invoke "across_call" (i32.const 300)) (i32.const 42))
        (assert_return (invoke "global_across_call") (i32.const 9))

        (assert_return (invoke "loop_alias" (i32.const 400) (i32.const 400)) (i32.const 6))
        (assert_return (invoke "loop_global") (i32.const 10))
        (assert_trap (invoke "loop_invariant_check" (i32.const 65536) (i32.const 500)) "out of bounds memory access")
        (assert_return (invoke "peek" (i32.const 500)) (i32.const 0))
        (assert_trap (invoke "loop_late_check" (i32.const 65536) (i32.const 504)) "out of bounds memory access")
        (assert_return (invoke "peek" (i32.const 504)) (i32.const 100))
        (assert_trap (invoke "loop_check_in_branch" (i32.const 65536) (i32.const 512)) "out of bounds memory access")
        (assert_return (invoke "peek" (i32.const 512)) (i32.const 200))
        (assert_return (invoke "loop_invariant_check" (i32.const 0) (i32.const 508)) (i32.const 3))
        (assert_return (invoke "peek" (i32.const 508)) (i32.const 2))

        (assert_return (invoke "div_s7" (i32.const -2147483648)) (i32.const -306783378))
        (assert_return (invoke "div_s7" (i32.const -7)) (i32.const -1))
        (assert_return (invoke "div_s7" (i32.const 2147483647)) (i32.const 306783378))
        (assert_return (invoke "rem_s_m8" (i32.const -9)) (i32.const -1))
        (assert_return (invoke "rem_s_m8" (i32.const 9)) (i32.const 1))
        (assert_return (invoke "div_u_big" (i64.const -1)) (i64.const 1))
        (assert_return (invoke "div_u_big" (i64.const 0x8000000000000000)) (i64.const 0))
        (assert_return (invoke "rem_u10" (i64.const -1)) (i64.const 5))
        (assert_return (invoke "div_s_min" (i32.const -2147483648)) (i32.const 1))
        (assert_return (invoke "div_s_min" (i32.const 2147483647)) (i32.const 0))
        (assert_trap (invoke "div_s_m1" (i32.const -2147483648)) "integer overflow")
        (assert_return (invoke "div_s_m1" (i32.const 5)) (i32.const -5))

        (assert_return (invoke "fold" (i32.const 4)) (i32.const 5))

        (assert_trap (invoke "grow_between" (i32.const 65536)) "out of bounds memory access")
        (assert_return (invoke "grow_between" (i32.const 0)) (i32.const 0))
        (assert_return (invoke "size_after_grow") (i32.const 4))
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScriptPasses(bool optimize)
    {
        string path = Path.Combine(Path.GetTempPath(), $"hoist-pass-semantics-{Environment.ProcessId}-{optimize}.wast");
        File.WriteAllText(path, Script);
        try
        {
            var runner = new InterpWastRunner(optimize);
            runner.RunFile(path);
            output.WriteLine($"{runner.Passed} passed, {runner.Failures.Count} failed, {runner.Skipped} skipped");
            Assert.True(runner.Failures.Count == 0, string.Join("\n", runner.Failures));
            Assert.Equal(0, runner.Skipped);
            Assert.Equal(37, runner.Passed);
        }
        finally { File.Delete(path); }
    }
}
