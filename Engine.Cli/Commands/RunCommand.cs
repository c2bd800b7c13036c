using System.CommandLine;
using System.Globalization;
using Hoist.Runtime;
using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>hoist run [--strategy S] [--invoke NAME] FILE [ARGS...]</c>. With <c>--invoke</c>, calls that export
/// with ARGS parsed by its parameter types (the text format's literals: <c>-7</c>, <c>0x10</c>, <c>1.5</c>,
/// <c>nan</c>, <c>inf</c>; <c>null</c> for references) and prints each result on its own line. A trap prints
/// the trap message and the wasm backtrace on stderr and exits 134, as wasmtime does.
/// WASI programs (<c>_start</c>) need the WASI issue; until then they fail to link with a clear message.
/// </summary>
public static class RunCommand
{
    /// <summary>The exit status of a run that trapped: 128 + SIGABRT, like wasmtime on Unix.</summary>
    public const int TrapExitCode = 134;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "a .wasm or .wat module" };
        var args = new Argument<string[]>("ARGS") { Description = "arguments for the invoked function", Arity = ArgumentArity.ZeroOrMore };
        var invoke = new Option<string?>("--invoke") { Description = "the exported function to call (default: _start)", HelpName = "NAME" };
        var strategy = StrategyOption.Create();
        var command = new Command("run", "Run a WebAssembly module.") { file, args, invoke, strategy };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string path = parse.GetValue(file)!;
            var (binary, _) = FrontEnd.LoadFile(path);
            var engine = new Engine(new Config { Strategy = parse.GetValue(strategy) });
            using var store = new Store(engine);
            using var module = new Module(engine, binary, path);
            var instance = new Linker(engine).Instantiate(store, module);
            string name = parse.GetValue(invoke) ?? "_start";
            if (instance.GetExport(name) is not Func func)
                throw new CliUsageException($"{path}: no exported function \"{name}\"" + (parse.GetValue(invoke) is null ? " (use --invoke NAME)" : ""));
            string[] given = parse.GetValue(args) ?? [];
            var parameters = func.Type.Params;
            if (given.Length != parameters.Length)
                throw new CliUsageException($"{name} takes {parameters.Length} argument(s) ({string.Join(' ', parameters)}), {given.Length} given");
            var values = new Value[given.Length];
            for (int i = 0; i < given.Length; i++) values[i] = ParseArgument(given[i], parameters[i], i);
            try
            {
                foreach (var result in func.Invoke(values)) Console.Out.WriteLine(Format(result));
            }
            catch (TrapException trap)
            {
                Console.Error.WriteLine($"{path}: trap: {trap.Message}");
                foreach (var frame in trap.Backtrace) Console.Error.WriteLine($"    at {frame}");
                return TrapExitCode;
            }
            return 0;
        }));
        return command;
    }

    static Value ParseArgument(string text, ValType type, int position)
    {
        var s = text.AsSpan();
        switch (type.Kind)
        {
            case ValKind.I32 when NumericLiterals.TryParseI32(s, out uint i32): return Value.I32((int)i32);
            case ValKind.I64 when NumericLiterals.TryParseI64(s, out ulong i64): return Value.I64((long)i64);
            case ValKind.F32 when NumericLiterals.TryParseF32(s, out uint f32): return Value.F32Bits(f32);
            case ValKind.F64 when NumericLiterals.TryParseF64(s, out ulong f64): return Value.F64Bits(f64);
            case ValKind.Ref when text == "null" && type.Nullable: return Value.Null(type);
        }
        string what = type.IsRef ? "only null can be given for a reference" : $"not a valid {type}";
        throw new CliUsageException($"argument {position + 1} '{text}': {what}");
    }

    static string Format(Value v) => v.Type.Kind switch
    {
        ValKind.I32 => v.AsI32().ToString(CultureInfo.InvariantCulture),
        ValKind.I64 => v.AsI64().ToString(CultureInfo.InvariantCulture),
        ValKind.F32 => NumericFormat.FormatF32(v.AsF32Bits()),
        ValKind.F64 => NumericFormat.FormatF64(v.AsF64Bits()),
        ValKind.V128 => $"0x{v.AsV128().High:x16}{v.AsV128().Low:x16}",
        _ => v.IsNull ? "null" : v.Type.ToString(),
    };
}
