using Hoist.Compiler;
using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm;
using Iced.Intel;

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
    const ulong Guard = 2UL << 30;
    static readonly Engine s_optimizingGuarded = new(new Config { Strategy = Strategy.Optimizing, GuardPages = true, MemoryGuardSize = Guard });
    static readonly Engine s_baselineGuarded = new(new Config { Strategy = Strategy.Baseline, GuardPages = true, MemoryGuardSize = Guard });
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

    /// <summary>
    /// OptimizingCompiler built its ModuleEnvironment without <see cref="CompileInput.MemoryGuardBytes"/>, so under
    /// guard pages the Optimizing tier still emitted an explicit check before every access (and the fuzzer never
    /// ran its guarded code). With the guards passed on, the load itself is the MemoryOutOfBounds trap site.
    /// </summary>
    [Fact]
    public void OptimizingCodeUsesTheGuardPagesItIsGiven()
    {
        var module = Hoist.Wasm.Text.WatParser.ParseModule("(module (memory 1) (func (param i32) (result i32) (i32.load offset=8 (local.get 0))))");
        var ctx = Hoist.Wasm.Validation.ModuleValidator.ValidateModule(module);
        var compiler = new Hoist.Optimizing.OptimizingCompiler();
        var guarded = compiler.Compile(new CompileInput(ctx, new VmOffsets(module)) { Parallel = false, MemoryGuardBytes = [Guard] }).Functions[0];
        var checkedCode = compiler.Compile(new CompileInput(ctx, new VmOffsets(module)) { Parallel = false }).Functions[0];
        // Guarded: the one MemoryOutOfBounds site is the load; checked: there is also the explicit check's stub.
        Assert.Equal((1, 0), MemoryTrapSites(guarded));
        Assert.Equal((1, 1), MemoryTrapSites(checkedCode));
        Assert.True(guarded.InstructionsSize < checkedCode.InstructionsSize, "no bounds check under guard pages");
    }

    /// <summary>MemoryOutOfBounds trap sites at an instruction that reads or writes memory (the guard-page kind), and others (explicit checks' stubs).</summary>
    static (int AtAccess, int Other) MemoryTrapSites(Hoist.Isa.MachineCode code)
    {
        int access = 0, other = 0;
        foreach (var site in code.TrapSites)
        {
            if (site.Code != TrapCode.MemoryOutOfBounds) continue;
            var ins = Decoder.Create(64, new ByteArrayCodeReader(code.Bytes[site.Offset..code.InstructionsSize].ToArray())).Decode();
            if (ins.Mnemonic == Mnemonic.Mov && (ins.Op0Kind == OpKind.Memory || ins.Op1Kind == OpKind.Memory)) access++;
            else other++;
        }
        return (access, other);
    }

    /// <summary>
    /// licm decided "nothing with an effect precedes it in the header" from the opcode alone, so a guarded load
    /// (<c>load trap</c>: it may fault as a trap) that stays in the loop did not count, and an invariant division
    /// after it left the loop: with guard pages, an out-of-bounds load then a division by zero trapped "integer
    /// divide by zero" instead of "out of bounds memory access".
    /// </summary>
    [Theory, MemberData(nameof(Tiers))]
    public void AGuardedLoadInALoopTrapsBeforeAnInvariantDivisionAfterIt(string tier)
    {
        const string wat = """
            (module
              (memory 1)
              (func (export "f") (param $p i32) (param $a i32) (param $b i32) (result i32)
                (local $s i32)
                (loop $l
                  (local.set $s (i32.add (local.get $s) (i32.load (local.get $p))))
                  (local.set $s (i32.add (local.get $s) (i32.div_s (local.get $a) (local.get $b))))
                  (i32.store (i32.const 0) (local.get $s))
                  (br_if $l (local.get $s)))
                (local.get $s)))
            """;
        var engine = tier == "baseline" ? s_baselineGuarded : s_optimizingGuarded;
        Assert.True(engine.GuardPagesEnabled, engine.GuardPagesUnavailable);
        var f = new Linker(engine).Instantiate(new Store(engine), Module.FromText(engine, wat)).GetFunc("f");
        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => f.Invoke(Value.I32(65533), Value.I32(1), Value.I32(0))).Code);
        Assert.Equal(TrapCode.IntegerDivideByZero, Assert.Throws<TrapException>(() => f.Invoke(Value.I32(65532), Value.I32(1), Value.I32(0))).Code);
        Assert.Equal(TrapCode.MemoryOutOfBounds, Assert.Throws<TrapException>(() => f.Invoke(Value.I32(-4), Value.I32(-7), Value.I32(1))).Code);
    }
}
