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
/// Functions compile independently through <see cref="FunctionCompilation"/> (on every core above a size, one
/// <see cref="FunctionCompiler"/> with its reusable buffers per worker; the lowest failing function's error).
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
        var functions = FunctionCompilation.CompileAll(input, () => new FunctionCompiler(env), (compiler, i) => compiler.Compile(i));
        return new CompiledModule(Name, functions);
    }
}
