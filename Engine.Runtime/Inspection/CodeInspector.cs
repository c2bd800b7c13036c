using Hoist.Compiler;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Runtime.Inspection;

/// <summary>A module compiled for inspection (objdump, golden tests): its model and each defined function's machine code.</summary>
public sealed record InspectedModule(WasmModule Module, CompiledModule Compiled)
{
    /// <summary>The display name of a function: its name-section name, else an export name, else null.</summary>
    public string? FunctionName(uint funcIndex) =>
        Module.FunctionName(funcIndex)
        ?? Module.Exports.FirstOrDefault(e => e.Kind == ExternKind.Func && e.Index == funcIndex)?.Name;
}

/// <summary>
/// Compiles a module with the engine's compiler without linking or instantiating it, to look at the
/// machine code (what <c>hoist objdump</c> prints).
/// </summary>
public static class CodeInspector
{
    public static InspectedModule Compile(Engine engine, ReadOnlyMemory<byte> wasm, string? file = null)
    {
        var module = FrontEnd.Decode(wasm, file);
        ModuleContext context;
        try { context = ModuleValidator.ValidateModule(module, new ValidationOptions { Features = engine.Config.Features, Registry = engine.Types }); }
        catch (WasmException e) { throw e.WithFile(file); }
        var compiler = CompilerSelection.Create(engine.Config.Strategy);
        var compiled = compiler.Compile(new CompileInput(context, new VmOffsets(module))
        {
            Parallel = engine.Config.ParallelCompilation,
            MemoryGuardBytes = Module.GuardBytesByMemory(module, engine.MemoryGuardBytes),   // the code the engine would run
        });
        return new InspectedModule(module, compiled);
    }
}
