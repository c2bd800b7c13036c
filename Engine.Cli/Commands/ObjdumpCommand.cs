using System.CommandLine;

using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Translate;
using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm.Validation;
using Hoist.Runtime.Inspection;
using Hoist.Wasm;
using Iced.Intel;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>hoist objdump [--strategy S] FILE [--function NAME]</c>: the machine code of each compiled function,
/// disassembled, with the wasm byte offset each run of instructions came from. With <c>--ir</c>, the optimizing
/// tier's IR of each function after translation and after each pass of its pipeline instead.
/// </summary>
public static class ObjdumpCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "a .wasm or .wat module" };
        var function = new Option<string?>("--function") { Description = "only this function: its name, export name, or index", HelpName = "NAME" };
        var strategy = StrategyOption.Create();
        var ir = new Option<bool>("--ir") { Description = "print the optimizing tier's IR after translation and after each pass" };
        var command = new Command("objdump", "Disassemble the compiled code of a module.") { file, function, strategy, ir };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string path = parse.GetValue(file)!;
            var (binary, loaded) = FrontEnd.LoadFile(path);
            if (parse.GetValue(ir)) return PrintIr(Console.Out, loaded, path, parse.GetValue(function));
            var engine = new Engine(new Config { Strategy = parse.GetValue(strategy) });
            var inspected = CodeInspector.Compile(engine, binary, path);
            string? only = parse.GetValue(function);
            int imported = inspected.Module.ImportedFunctionCount;
            bool any = false;
            for (int i = 0; i < inspected.Compiled.Functions.Length; i++)
            {
                uint index = (uint)(imported + i);
                string? name = inspected.FunctionName(index);
                if (only is not null && only != name && only != index.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
                any = true;
                Print(Console.Out, index, name, inspected.Compiled.Functions[i]);
            }
            if (only is not null && !any) throw new CliUsageException($"{path}: no defined function named {only}");
            return 0;
        }));
        return command;
    }

    /// <summary>Translates each defined function and runs the default pipeline, printing the IR after every stage.</summary>
    static int PrintIr(TextWriter o, Hoist.Wasm.WasmModule module, string path, string? only)
    {
        ModuleContext context;
        try { context = ModuleValidator.ValidateModule(module, new ValidationOptions { Features = new Config().Features }); }
        catch (Hoist.Wasm.WasmException e) { throw e.WithFile(path); }
        // The guard regions the engine would give the memories, so the IR shows the checks the compiled code has.
        var env = new ModuleEnvironment(context, new VmOffsets(module)) { MemoryGuardBytes = new Engine(new Config()).MemoryGuardBytesFor(module) };
        var translator = new FunctionTranslator(env);
        var pipeline = Hoist.Optimizing.Passes.PassManager.CreateDefault();
        bool any = false;
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < module.Code.Count; i++)
        {
            uint index = (uint)(module.ImportedFunctionCount + i);
            string? name = module.FunctionName(index);
            if (only is not null && only != name && only != index.ToString(System.Globalization.CultureInfo.InvariantCulture)) continue;
            any = true;
            Function f;
            try { f = translator.Translate(i); }
            catch (Hoist.Wasm.WasmException e) { throw e.WithFile(path); }
            Stage(o, sb, f, $"func[{index}] after translate");
            foreach (var pass in pipeline.Passes)
            {
                pass.Run(f);
                Stage(o, sb, f, $"func[{index}] after {pass.Name}");
            }
        }
        if (only is not null && !any) throw new CliUsageException($"{path}: no defined function named {only}");
        return 0;
    }

    static void Stage(TextWriter o, System.Text.StringBuilder sb, Function f, string title)
    {
        sb.Clear();
        IrPrinter.Print(f, sb);
        o.WriteLine($";; ---- {title}");
        o.Write(sb.ToString());
        o.WriteLine();
    }

    static void Print(TextWriter o, uint index, string? name, Hoist.Isa.MachineCode code)
    {
        o.WriteLine($"func[{index}]{(name is null ? "" : $" <{name}>")}: {code.InstructionsSize} bytes of code, {code.Size - code.InstructionsSize} of constants");
        var bytes = code.Bytes[..code.InstructionsSize].ToArray();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes), 0);
        var formatter = new IntelFormatter();
        formatter.Options.FirstOperandCharIndex = 8;
        var output = new StringOutput();
        uint lastWasm = uint.MaxValue - 1;
        while (decoder.IP < (ulong)bytes.Length)
        {
            int at = (int)decoder.IP;
            decoder.Decode(out var instruction);
            uint wasm = code.WasmOffsetAt(at);
            if (wasm != lastWasm)
            {
                o.WriteLine(wasm == Hoist.Isa.SourceLoc.None ? "  ;; (no wasm instruction)" : $"  ;; wasm @0x{wasm:x}");
                lastWasm = wasm;
            }
            formatter.Format(instruction, output);
            string hex = Convert.ToHexString(bytes, at, instruction.Length).ToLowerInvariant();
            o.WriteLine($"  {at,6:x}: {hex,-24} {output.ToStringAndReset()}");
        }
        o.WriteLine();
    }
}
