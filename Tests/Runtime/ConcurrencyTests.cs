using System.Globalization;
using Hoist.Runtime;
using Hoist.Vm;
using Xunit.Abstractions;

namespace Hoist.Tests.Runtime;

/// <summary>Stores on several threads sharing one engine and module, with the GC running all the time.</summary>
public class ConcurrencyTests(ITestOutputHelper output)
{
    const string Wat = """
        (module
          (import "env" "host" (func $host (param i32) (result i32)))
          (memory 1)
          (table 2 funcref)
          (elem (i32.const 0) $sq)
          (global $g (mut i32) (i32.const 0))
          (data (i32.const 0) "\2a")
          (func $sq (param i32) (result i32) (i32.mul (local.get 0) (local.get 0)))
          (func (export "run") (param i32) (result i32)
            (global.set $g (i32.add (global.get $g) (i32.load8_u (i32.const 0))))
            (i32.add (call $host (local.get 0)) (call_indirect (param i32) (result i32) (local.get 0) (i32.const 0))))
          (func (export "trap") unreachable)
        )
        """;

    static long RssKiB()
    {
        foreach (string line in File.ReadLines("/proc/self/status"))
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                return long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
        return -1;
    }

    [Fact]
    public void TwoThreadsInstantiateCallAndDispose10000TimesWhileTheGcRuns()
    {
        var engine = new Engine();
        using var module = Module.FromText(engine, Wat);
        var linker = new Linker(engine).DefineFunction("env", "host", (int x) => x + 1);
        const int Cycles = 10_000;

        void Cycle(int k)
        {
            using var store = new Store(engine);
            var instance = linker.Instantiate(store, module);
            int x = k % 100;
            if (instance.GetFunction<int, int>("run")(x) != x * x + x + 1) throw new InvalidOperationException("wrong result");
            var trap = Assert.Throws<TrapException>(() => instance.GetAction("trap")());
            if (trap.Code != TrapCode.Unreachable) throw new InvalidOperationException("wrong trap");
        }

        for (int k = 0; k < 200; k++) Cycle(k);   // warm up before the first measurement
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = RssKiB();

        using var stop = new CancellationTokenSource();
        var collector = new Thread(() => { while (!stop.IsCancellationRequested) { GC.Collect(); Thread.Sleep(1); } });
        Exception? failure = null;
        Thread Worker() => new(() =>
        {
            try { for (int k = 0; k < Cycles; k++) Cycle(k); }
            catch (Exception e) { failure = e; }
        });
        Thread a = Worker(), b = Worker();
        collector.Start();
        a.Start();
        b.Start();
        a.Join();
        b.Join();
        stop.Cancel();
        collector.Join();
        Assert.Null(failure);

        GC.Collect();
        GC.WaitForPendingFinalizers();
        long after = RssKiB();
        output.WriteLine($"RSS before: {before} KiB, after 2 x {Cycles} cycles: {after} KiB");
        Assert.True(after - before < 64 * 1024, $"RSS grew from {before} KiB to {after} KiB");
    }
}
