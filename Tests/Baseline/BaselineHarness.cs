using Hoist.Baseline;
using Hoist.Compiler;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Baseline;

/// <summary>Compiling modules with the baseline compiler alone (no runtime): validation of the module, then Compile.</summary>
static class BaselineHarness
{
    public static CompiledModule Compile(WasmModule module, bool parallel = false, bool fuel = false, bool epoch = false)
    {
        ModuleContext ctx = ModuleValidator.ValidateModule(module);
        return new BaselineCompiler().Compile(new CompileInput(ctx, new VmOffsets(module))
        {
            Parallel = parallel,
            ConsumeFuel = fuel,
            EpochInterruption = epoch,
        });
    }

    public static CompiledModule CompileText(string wat, bool fuel = false, bool epoch = false) =>
        Compile(WatParser.ParseModule(wat), fuel: fuel, epoch: epoch);

    /// <summary>The model of a script module, or null when it does not parse or decode (an assertion's business).</summary>
    public static WasmModule? ModelOf(WastModule m)
    {
        try
        {
            WasmModule? module = m switch
            {
                WastTextModule t => t.Module,
                WastBinaryModule b => ModuleDecoder.Decode(b.Bytes),
                WastQuoteModule q => WatParser.ParseQuoted(q.Text),
                _ => null,
            };
            // As the binary encoding of a text module would, declare the data count when code needs it.
            if (module is not null && m is not WastBinaryModule && module.DataCount is null && module.Data.Count > 0)
                module.DataCount = (uint)module.Data.Count;
            return module;
        }
        catch (WasmException)
        {
            return null;
        }
    }
}
