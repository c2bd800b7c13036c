using Hoist.Compiler;
using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Isa.X64;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.RegAlloc;
using Hoist.Optimizing.Translate;
using Hoist.Wasm;

namespace Hoist.Optimizing;

/// <summary>
/// The optimizing tier: per function, translation to SSA IR (validating), the pass pipeline, x86-64 instruction
/// selection, linear-scan register allocation and emission.
/// </summary>
/// <remarks>
/// Functions compile independently through <see cref="FunctionCompilation"/> (on every core above a size, one
/// <see cref="FunctionPipeline"/> — translator, passes, lowering, emitter and their buffers — per worker; the lowest
/// failing function's error).
/// </remarks>
public sealed class OptimizingCompiler : ICompiler
{
    readonly X64Features _cpu;

    public OptimizingCompiler() : this(X64Features.Host) { }

    /// <summary>A compiler whose code uses only the x86-64 extensions in <paramref name="cpu"/> (tests of the fallbacks).</summary>
    public OptimizingCompiler(X64Features cpu) => _cpu = cpu;

    public string Name => "optimizing";

    /// <summary><c>HOIST_COMPILE_STATS=1</c>: print a per-stage breakdown of every module compiled to stderr (<see cref="CompileStats"/>).</summary>
    static readonly bool s_printStats = Environment.GetEnvironmentVariable("HOIST_COMPILE_STATS") == "1";

    public CompiledModule Compile(CompileInput input)
    {
        if (!s_printStats) return Compile(input, null);
        var stats = new CompileStats();
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        int gc0 = GC.CollectionCount(0), gc1 = GC.CollectionCount(1), gc2 = GC.CollectionCount(2);
        var pause = GC.GetTotalPauseDuration();
        var module = Compile(input, stats);
        double ms = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        Console.Error.Write(stats.Format());
        Console.Error.WriteLine($"  Compile: {ms:F1} ms wall; GCs during it: {GC.CollectionCount(0) - gc0} gen0, {GC.CollectionCount(1) - gc1} gen1, "
            + $"{GC.CollectionCount(2) - gc2} gen2, {(GC.GetTotalPauseDuration() - pause).TotalMilliseconds:F1} ms paused");
        return module;
    }

    /// <summary>Compiles the module; with <paramref name="stats"/>, adds every stage's time and allocations to it.</summary>
    public CompiledModule Compile(CompileInput input, CompileStats? stats)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Guarded memories (guard pages) need no explicit bounds checks: the translator reads the guards from here.
        var env = new ModuleEnvironment(input.Context, input.Offsets) { MemoryGuardBytes = input.MemoryGuardBytes };
        var functions = FunctionCompilation.CompileAll(input,
            () => new FunctionPipeline(env, input, _cpu) { Stats = stats is null ? null : new CompileStats() },
            (pipeline, i) => pipeline.Compile(i),
            pipeline => { if (pipeline.Stats is { } s) stats!.Add(s); });
        return new CompiledModule(Name, functions);
    }
}

/// <summary>One thread's compiler: every stage's reusable state.</summary>
public sealed class FunctionPipeline(ModuleEnvironment env, CompileInput input, X64Features cpu)
{
    public FunctionPipeline(ModuleEnvironment env, CompileInput input) : this(env, input, X64Features.Host) { }

    readonly FunctionTranslator _translator = new(env);
    readonly PassManager _passes = PassManager.CreateDefault();
    readonly Lower _lower = new(cpu);
    readonly Emitter _emitter = new(input.Offsets, input.ConsumeFuel, input.EpochInterruption);
    /// <summary>The IR of the function being compiled, refilled for each one: nothing keeps the IR once emitted.</summary>
    readonly Function _ir = new("", new Signature(CallConv.Wasm, [], []));

    /// <summary>When set, each stage's time and allocations are added to it (<see cref="CompileStats"/>).</summary>
    public CompileStats? Stats { get; init; }

    int _translateStage = -1, _lowerStage, _allocStage, _emitStage;

    public MachineCode Compile(int definedIndex)
    {
        if (Stats is { } stats) return CompileMeasured(definedIndex, stats);
        var f = _translator.Translate(definedIndex, _ir);
        _passes.Run(f);
        var lowered = _lower.Run(f, input.ConsumeFuel || input.EpochInterruption);
        var alloc = LinearScan.Allocate(lowered.Code, X64Regs.Env);
        return _emitter.Run(lowered, alloc);
    }

    MachineCode CompileMeasured(int definedIndex, CompileStats stats)
    {
        if (_translateStage < 0)
        {
            _translateStage = stats.Stage("translate");
            _passes.StagesFor(stats);
            _lowerStage = stats.Stage("lower");
            _allocStage = stats.Stage("regalloc");
            _emitStage = stats.Stage("emit");
        }
        var mark = CompileStats.Now();
        var f = _translator.Translate(definedIndex, _ir);
        mark = stats.Record(_translateStage, mark);
        _passes.Run(f, stats);
        mark = CompileStats.Now();
        var lowered = _lower.Run(f, input.ConsumeFuel || input.EpochInterruption);
        mark = stats.Record(_lowerStage, mark);
        var alloc = LinearScan.Allocate(lowered.Code, X64Regs.Env);
        mark = stats.Record(_allocStage, mark);
        var code = _emitter.Run(lowered, alloc);
        stats.Record(_emitStage, mark);
        stats.CountFunction(env.Module.Code[definedIndex].Code.Length);
        return code;
    }
}
