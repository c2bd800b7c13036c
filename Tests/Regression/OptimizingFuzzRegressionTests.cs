using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Tests.Regression;

/// <summary>
/// Divergences the differential fuzzer found between the Baseline and the Optimizing tier (fuzz seed 2026 on the
/// merge of guard-page memories, the x86-64 back end and the new passes), each shrunk by hand and run on both tiers
/// with the result the test states itself.
/// </summary>
public class OptimizingFuzzRegressionTests
{
    static readonly Engine s_optimizing = new(new Config { Strategy = Strategy.Optimizing });
    static readonly Engine s_baseline = new(new Config { Strategy = Strategy.Baseline });
    public static TheoryData<string> Tiers => new() { "baseline", "optimizing" };
    static Engine For(string tier) => tier == "baseline" ? s_baseline : s_optimizing;

    /// <summary>Runs <paramref name="export"/>, which must trap with <paramref name="code"/>; returns the instance.</summary>
    static Instance RunTrapping(string tier, string wat, string export, TrapCode code, params Value[] args)
    {
        var engine = For(tier);
        var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, Module.FromText(engine, wat));
        var trap = Assert.Throws<TrapException>(() => instance.GetFunc(export).Invoke(args));
        Assert.Equal(code, trap.Code);
        return instance;
    }

    /// <summary>
    /// licm hoisted the loads of a function reference's contents (code pointer, VMContext: region <c>const</c>,
    /// not <c>movable</c>) out of a loop, above the <c>trapz</c> null check guarding them: <c>call_ref</c> of a
    /// null reference in a loop faulted in the preheader instead of trapping (fuzz seed 2026, modules 117, 399,
    /// 521, 719, 1273, 1463, 1499, 2299: all eight divergences of the first run). The store to the global before
    /// the call must also have happened once when the trap comes.
    /// </summary>
    [Theory, MemberData(nameof(Tiers))]
    public void CallRefOfNullInLoopTrapsAfterTheStoreBeforeIt(string tier)
    {
        const string wat = """
            (module
              (type $t (func (param i32) (result i32)))
              (global $g (export "g") (mut i32) (i32.const 0))
              (func (export "f") (param $n i32) (result i32)
                (loop $l
                  (global.set $g (i32.add (global.get $g) (i32.const 1)))
                  (drop (call_ref $t (local.get $n) (ref.null $t)))
                  (br_if $l (local.get $n)))
                (global.get $g)))
            """;
        var instance = RunTrapping(tier, wat, "f", TrapCode.NullFunctionReference, Value.I32(1));
        Assert.Equal(1, instance.GetGlobal("g").Value.AsI32());
    }

    /// <summary>The same with the reference a parameter, null at run time (module 1499): the loads through it stay
    /// below its null check.</summary>
    [Theory, MemberData(nameof(Tiers))]
    public void CallRefOfNullParameterInLoopTraps(string tier)
    {
        const string wat = """
            (module
              (type $t (func (param i32) (result i32)))
              (global $g (export "g") (mut i32) (i32.const 0))
              (func $inner (param $r (ref null $t)) (param $n i32)
                (loop $l
                  (global.set $g (i32.add (global.get $g) (i32.const 1)))
                  (drop (call_ref $t (local.get $n) (local.get $r)))
                  (br_if $l (local.get $n))))
              (func (export "f") (param $n i32) (result i32)
                (call $inner (ref.null $t) (local.get $n))
                (global.get $g)))
            """;
        var instance = RunTrapping(tier, wat, "f", TrapCode.NullFunctionReference, Value.I32(1));
        Assert.Equal(1, instance.GetGlobal("g").Value.AsI32());
    }
}
