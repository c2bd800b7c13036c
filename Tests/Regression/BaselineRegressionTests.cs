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
