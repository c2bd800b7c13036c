using Hoist.Compiler;
using Hoist.Isa;
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
/// Functions compile independently. Above <see cref="CompileInput.ParallelThresholdBytes"/> of code they compile on
/// all cores with one <see cref="FunctionPipeline"/> (translator, passes, lowering, emitter and their buffers) per
/// worker; the output does not depend on the split. The error reported is that of the lowest failing function,
/// as a sequential pass would report.
/// </remarks>
public sealed class OptimizingCompiler : ICompiler
{
    readonly X64Features _cpu;

    public OptimizingCompiler() : this(X64Features.Host) { }

    /// <summary>A compiler whose code uses only the x86-64 extensions in <paramref name="cpu"/> (tests of the fallbacks).</summary>
    public OptimizingCompiler(X64Features cpu) => _cpu = cpu;

    public string Name => "optimizing";

    public CompiledModule Compile(CompileInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // Guarded memories (guard pages) need no explicit bounds checks: the translator reads the guards from here.
        var env = new ModuleEnvironment(input.Context, input.Offsets) { MemoryGuardBytes = input.MemoryGuardBytes };
        var code = input.Module.Code;
        var functions = new MachineCode[code.Count];
        long bytes = 0;
        foreach (FunctionBody body in code) bytes += body.Code.Length;

        if (!input.Parallel || bytes < input.ParallelThresholdBytes || Environment.ProcessorCount < 2 || code.Count < 2)
        {
            var pipeline = new FunctionPipeline(env, input, _cpu);
            for (int i = 0; i < code.Count; i++) functions[i] = pipeline.Compile(i);
            return new CompiledModule(Name, functions);
        }

        int failedIndex = int.MaxValue;
        Exception? failure = null;
        var gate = new object();
        Parallel.For(0, code.Count,
            () => new FunctionPipeline(env, input, _cpu),
            (i, state, pipeline) =>
            {
                try { functions[i] = pipeline.Compile(i); }
                catch (Exception e) when (e is WasmException or UnsupportedFeatureException)
                {
                    lock (gate)
                    {
                        if (i < failedIndex) { failedIndex = i; failure = e; }
                    }
                    state.Break();
                }
                return pipeline;
            },
            _ => { });
        if (failure is not null) throw failure;
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

    public MachineCode Compile(int definedIndex)
    {
        var f = _translator.Translate(definedIndex);
        _passes.Run(f);
        var lowered = _lower.Run(f, input.ConsumeFuel || input.EpochInterruption);
        var alloc = LinearScan.Allocate(lowered.Code, X64Regs.Env);
        return _emitter.Run(lowered, alloc);
    }
}
