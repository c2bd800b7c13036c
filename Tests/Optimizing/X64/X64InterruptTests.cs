using Hoist.Runtime;
using Hoist.Tests.Baseline;
using Hoist.Vm;

namespace Hoist.Tests.Optimizing.X64;

/// <summary>Fuel and epoch checks of the optimizing tier: at function entry and loop heads, with the same accounting as the Baseline.</summary>
public class X64InterruptTests
{
    const string Spin = """
        (module
          (func (export "spin") (loop (br 0)))
          (func $count (export "count") (param i32) (result i32)
            (local i32)
            (block (loop (br_if 1 (i32.eqz (local.get 0)))
              (local.set 0 (i32.sub (local.get 0) (i32.const 1)))
              (local.set 1 (i32.add (local.get 1) (i32.const 1)))
              (br 0)))
            (local.get 1))
          (func $rec (export "recurse") (param i32) (result i32)
            (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
              (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get 0) (i32.const 1))))))))
        """;

    [Fact]
    public void FuelRunsOutInLoopsAndCalls()
    {
        using var run = new WasmRun(Spin, new Config { Strategy = Strategy.Optimizing, ConsumeFuel = true, ParallelCompilation = false });
        run.Store.Fuel = 1000;
        Assert.Equal(TrapCode.OutOfFuel, run.Trap("spin").Code);
        run.Store.Fuel = 1000;
        Assert.Equal(100, run.Call1("count", 100).AsI32());
        Assert.Equal(1000 - 1 - 101, run.Store.Fuel);
        run.Store.Fuel = 50;
        Assert.Equal(TrapCode.OutOfFuel, run.Trap("recurse", 100).Code);
        run.Store.Fuel = 500;
        Assert.Equal(100, run.Call1("recurse", 100).AsI32());
    }

    [Fact]
    public void EpochDeadlineInterruptsALoop()
    {
        using var run = new WasmRun(Spin, new Config { Strategy = Strategy.Optimizing, EpochInterruption = true, ParallelCompilation = false });
        run.Store.SetEpochDeadline(1);
        using var timer = new Timer(_ => run.Engine.IncrementEpoch(), null, 50, 50);
        Assert.Equal(TrapCode.Interrupted, run.Trap("spin").Code);
        run.Store.SetEpochDeadline(1_000_000);
        Assert.Equal(1000, run.Call1("count", 1000).AsI32());
    }
}
