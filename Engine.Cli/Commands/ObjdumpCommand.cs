using System.CommandLine;
using Hoist.Runtime;
using Hoist.Runtime.Inspection;
using Hoist.Wasm;
using Iced.Intel;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>hoist objdump [--strategy S] FILE [--function NAME]</c>: the machine code of each compiled function,
/// disassembled, with the wasm byte offset each run of instructions came from.
/// </summary>
public static class ObjdumpCommand
{
    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "a .wasm or .wat module" };
        var function = new Option<string?>("--function") { Description = "only this function: its name, export name, or index", HelpName = "NAME" };
        var strategy = StrategyOption.Create();
        var command = new Command("objdump", "Disassemble the compiled code of a module.") { file, function, strategy };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string path = parse.GetValue(file)!;
            var (binary, _) = FrontEnd.LoadFile(path);
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
