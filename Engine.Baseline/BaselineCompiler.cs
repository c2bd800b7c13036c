using Hoist.Compiler;
using Hoist.Isa.X64;
using Hoist.Isa;
using Hoist.Wasm;

namespace Hoist.Baseline;

/// <summary>
/// The baseline tier: a single-pass compiler from validated-as-it-goes wasm to x86-64 machine code
/// (see <see cref="FunctionCompiler"/> for how one function is compiled).
/// </summary>
/// <remarks>
/// Functions compile independently. Above <see cref="CompileInput.ParallelThresholdBytes"/> of code they
/// compile on all cores, one <see cref="FunctionCompiler"/> (with its reusable buffers) per worker;
/// the output is the same either way, since a function's code depends only on its own body. The error
/// reported is that of the lowest failing function, as a sequential pass would report.
/// </remarks>
public sealed class BaselineCompiler : ICompiler
{
    readonly X64Features _cpu;

    public BaselineCompiler() : this(X64Features.Host) { }

    /// <summary>A compiler for a CPU with the given optional features (tests use it to reach the fallbacks).</summary>
    internal BaselineCompiler(X64Features cpu) => _cpu = cpu;

    public string Name => "baseline";

    public CompiledModule Compile(CompileInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var env = new ModuleEnv(input, _cpu);
        var code = input.Module.Code;
        var functions = new MachineCode[code.Count];
        long bytes = 0;
        foreach (FunctionBody body in code) bytes += body.Code.Length;

        if (!input.Parallel || bytes < input.ParallelThresholdBytes || Environment.ProcessorCount < 2 || code.Count < 2)
        {
            var compiler = new FunctionCompiler(env);
            for (int i = 0; i < code.Count; i++) functions[i] = compiler.Compile(i);
            return new CompiledModule(Name, functions);
        }

        int failedIndex = int.MaxValue;
        Exception? failure = null;
        var gate = new object();
        Parallel.For(0, code.Count,
            () => new FunctionCompiler(env),
            (i, state, compiler) =>
            {
                try { functions[i] = compiler.Compile(i); }
                catch (Exception e) when (e is WasmException or UnsupportedFeatureException)
                {
                    lock (gate)
                    {
                        if (i < failedIndex) { failedIndex = i; failure = e; }
                    }
                    state.Break();
                }
                return compiler;
            },
            _ => { });
        if (failure is not null) throw failure;
        return new CompiledModule(Name, functions);
    }
}
