using Hoist.Runtime;

namespace Hoist.Tests.Regression;

/// <summary>Bugs found by running real programs, each kept as the smallest module that showed it.</summary>
public class BaselineRegressionTests
{
    static readonly Engine s_engine = new(new Config { Strategy = Strategy.Baseline });

    /// <summary>
    /// A constant divisor was moved to the scratch register r11 and then "freed", so r11 became an
    /// allocatable register while still serving as scratch (found compiling Bench/programs/sieve.wasm).
    /// </summary>
    [Fact]
    public void DivisionByAConstantDoesNotHandOutTheScratchRegister()
    {
        const string wat = """
            (module
              (func (export "f") (param i32 i32) (result i32)
                (local i32)
                (local.set 2 (i32.div_u (local.get 0) (i32.const 10)))
                (local.set 2 (i32.add (local.get 2) (i32.rem_s (local.get 1) (i32.const 7))))
                (block (result i32)
                  (i32.add (i32.div_s (local.get 0) (i32.const -3))
                           (i32.mul (local.get 2) (i32.div_u (local.get 1) (i32.const 4)))))))
            """;
        using var store = new Store(s_engine);
        var f = new Linker(s_engine).Instantiate(store, Module.FromText(s_engine, wat)).GetFunction<int, int, int>("f");
        foreach (var (x, y) in new[] { (100, 50), (-7, 3), (int.MaxValue, 1_000_000), (0, -29) })
        {
            int t = (int)((uint)x / 10u) + y % 7;
            Assert.Equal(x / -3 + t * (int)((uint)y / 4u), f(x, y));
        }
    }

    /// <summary>
    /// <c>select</c> on a constant condition pushed its second operand as it was: an operand in the slot of its
    /// stack position stayed in that slot one position lower, so the next value pushed at its old position and
    /// spilled there (by a call or memory.grow) replaced it (the fuzzer, seed 24 module 18612: an import got
    /// (0, 0) instead of (32, 0)). Integers, floats, and an integer with every register taken.
    /// </summary>
    [Fact]
    public void SelectOnAConstantKeepsItsOperandOutOfAHigherSlot()
    {
        const string wat = """
            (module
              (func $three (param i64) (result i64 i64 i64)
                (i64.add (local.get 0) (i64.const 1))
                (i64.add (local.get 0) (i64.const 2))
                (i64.add (local.get 0) (i64.const 3)))
              (func $nop)
              (func (export "gpr") (param i64) (result i64)
                (i64.const 7)
                (i64.add (local.get 0) (i64.const 1))
                (block (result i32) (i32.const 0))  ;; spills the operand above to its slot
                (select)
                (i64.mul (local.get 0) (i64.const 100))
                (call $nop)                         ;; spills the product to the slot above the select's
                (i64.add))
              (func (export "xmm") (param f64) (result f64)
                (f64.const 7)
                (f64.add (local.get 0) (f64.const 1))
                (block (result i32) (i32.const 0))
                (select)
                (f64.mul (local.get 0) (f64.const 100))
                (call $nop)
                (f64.add))
              (func (export "full") (param i32 i64) (result i64) (local i64)
                (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0) (local.get 0)
                (call $three (local.get 1))           ;; x+1 in rax, x+2 and x+3 in slots
                (local.tee 0 (i32.const 0))           ;; the seven local.gets take every other register
                (select)                              ;; x+3
                (i64.mul (local.get 1) (i64.const 100))
                (call $nop)
                (i64.add)
                (i64.add)
                (local.set 2)
                (drop) (drop) (drop) (drop) (drop) (drop) (drop)
                (local.get 2)))
            """;
        using var store = new Store(s_engine);
        var instance = new Linker(s_engine).Instantiate(store, Module.FromText(s_engine, wat));
        var gpr = instance.GetFunction<long, long>("gpr");
        var xmm = instance.GetFunction<double, double>("xmm");
        var full = instance.GetFunction<int, long, long>("full");
        foreach (long x in new long[] { 0, 5, -3, 1L << 40 })
        {
            Assert.Equal(x + 1 + 100 * x, gpr(x));
            Assert.Equal(x + 1.0 + 100.0 * x, xmm(x));
            Assert.Equal(102 * x + 4, full(9, x));
        }
    }

    [Theory]
    [InlineData("sieve")] [InlineData("binarytrees")] [InlineData("calls")] [InlineData("lz")] [InlineData("nbody")]
    [InlineData("sha256")] [InlineData("sort")] [InlineData("spectral")] [InlineData("strings")] [InlineData("vm")] [InlineData("big")]
    public void EveryBenchmarkProgramCompiles(string name)
    {
        string path = Path.Combine(Spec.SpecSuite.RepoRoot, "Bench", "programs", name + ".wasm");
        var inspected = Hoist.Runtime.Inspection.CodeInspector.Compile(s_engine, File.ReadAllBytes(path), path);
        Assert.NotEmpty(inspected.Compiled.Functions);
    }
}
