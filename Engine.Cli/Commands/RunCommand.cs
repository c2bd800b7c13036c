using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Hoist.Runtime;
using Hoist.Runtime.Wasi;
using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Cli.Commands;

/// <summary>
/// <c>hoist run [--strategy S] [--dir HOST[::GUEST]]... [--env K=V | --env K]... [--tcplisten ADDR:PORT]...
/// [--invoke NAME] FILE [ARGS...]</c>: runs a WASI command (its <c>_start</c>; argv is FILE as given, then
/// ARGS) or, with <c>--invoke</c>, calls that export with ARGS parsed by its parameter types (the text
/// format's literals: <c>-7</c>, <c>0x10</c>, <c>1.5</c>, <c>nan</c>, <c>inf</c>; <c>null</c> for references)
/// and prints each result on its own line. WASI is always linked: stdio is inherited, and the guest sees
/// only the preopened directories and sockets.
/// </summary>
/// <remarks>
/// Exit status: the program's (proc_exit's argument, 0 when <c>_start</c> returns); 134 after a trap, which
/// prints the trap message and the wasm backtrace on stderr, as wasmtime does; 1 for bad input (one line
/// naming the file and what is wrong). Everything after FILE belongs to the program, options included
/// (<see cref="SeparateProgramArguments"/>).
/// </remarks>
public static class RunCommand
{
    /// <summary>The exit status of a run that trapped: 128 + SIGABRT, like wasmtime on Unix.</summary>
    public const int TrapExitCode = 134;

    public static Command Create()
    {
        var file = new Argument<string>("FILE") { Description = "a .wasm or .wat module" };
        var args = new Argument<string[]>("ARGS") { Description = "the program's arguments (or the invoked function's)", Arity = ArgumentArity.ZeroOrMore };
        var invoke = new Option<string?>("--invoke") { Description = "call this exported function instead of _start", HelpName = "NAME" };
        var dirs = new Option<string[]>("--dir")
        {
            Description = "preopen the host directory HOST, seen by the program as GUEST (default: HOST)",
            HelpName = "HOST[::GUEST]",
            AllowMultipleArgumentsPerToken = false,
        };
        var envs = new Option<string[]>("--env")
        {
            Description = "set the program's environment variable K to V, or (without =V) pass on the host's K",
            HelpName = "K[=V]",
        };
        var listens = new Option<string[]>("--tcplisten")
        {
            Description = "listen on this TCP address and give the program the socket (after the preopened directories)",
            HelpName = "ADDR:PORT",
        };
        var strategy = StrategyOption.Create();
        var features = FeaturesOption.Create();
        var command = new Command("run", "Run a WebAssembly module: a WASI command, or one exported function.")
        {
            file, args, invoke, dirs, envs, listens, strategy, features,
        };
        command.SetAction(parse => CliErrors.Guard(() =>
        {
            string path = parse.GetValue(file)!;
            if (!File.Exists(path)) throw new CliUsageException($"{path}: no such file");
            string? invokeName = parse.GetValue(invoke);
            string[] given = parse.GetValue(args) ?? [];

            var config = new WasiConfig();
            config.Arguments.Add(path);
            if (invokeName is null) config.Arguments.AddRange(given);
            foreach (string d in parse.GetValue(dirs) ?? []) config.Preopens.Add(ParseDir(d));
            foreach (string e in parse.GetValue(envs) ?? []) AddEnvironment(config, e);
            var sockets = (parse.GetValue(listens) ?? []).Select(Listen).ToList();
            try
            {
                config.Sockets.AddRange(sockets);
                return Run(path, new Config { Strategy = parse.GetValue(strategy), Features = parse.GetValue(features) }, config, invokeName, given);
            }
            finally
            {
                foreach (var s in sockets) s.Dispose();
            }
        }));
        return command;
    }

    static int Run(string path, Config engineConfig, WasiConfig config, string? invokeName, string[] given)
    {
        var engine = new Engine(engineConfig);
        using var module = Load(engine, path);
        using var wasi = new WasiContext(config);
        using var store = new Store(engine);
        var linker = new Linker(engine);
        wasi.AddToLinker(linker);
        try
        {
            var instance = linker.Instantiate(store, module);
            if (invokeName is null)
            {
                if (instance.GetExport("_start") is not Func)
                    throw new CliUsageException($"{path}: no exported function \"_start\" (use --invoke NAME)");
                return wasi.RunCommand(instance);
            }
            wasi.Bind(instance);
            return Invoke(path, instance, invokeName, given);
        }
        catch (TrapException trap) when (WasiExitException.ExitCodeOf(trap) is int code)
        {
            return code;
        }
        catch (TrapException trap)
        {
            Console.Error.WriteLine($"{path}: trap: {trap.Message}");
            foreach (var frame in trap.Backtrace) Console.Error.WriteLine($"    at {frame}");
            if (trap.InnerException is { } cause) Console.Error.WriteLine($"    caused by: {cause.Message}");
            return TrapExitCode;
        }
    }

    /// <summary>
    /// A binary module is decoded and validated once, by the compilation; a text one goes through
    /// FrontEnd.LoadFile first, which reports validation errors at the text's LINE:COL.
    /// </summary>
    static Module Load(Engine engine, string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        if (FrontEnd.IsBinary(bytes)) return new Module(engine, bytes, path);
        var (binary, _) = FrontEnd.LoadFile(path);
        return new Module(engine, binary, path);
    }

    static int Invoke(string path, Instance instance, string name, string[] given)
    {
        if (instance.GetExport(name) is not Func func)
            throw new CliUsageException($"{path}: no exported function \"{name}\"");
        var parameters = func.Type.Params;
        if (given.Length != parameters.Length)
            throw new CliUsageException($"{name} takes {parameters.Length} argument(s) ({string.Join(' ', parameters)}), {given.Length} given");
        var values = new Value[given.Length];
        for (int i = 0; i < given.Length; i++) values[i] = ParseArgument(given[i], parameters[i], i);
        foreach (var result in func.Invoke(values)) Console.Out.WriteLine(Format(result));
        return 0;
    }

    /// <summary><c>HOST::GUEST</c>, or <c>HOST</c> (seen under the same path).</summary>
    static WasiPreopen ParseDir(string spec)
    {
        int sep = spec.IndexOf("::", StringComparison.Ordinal);
        string host = sep < 0 ? spec : spec[..sep];
        string guest = sep < 0 ? spec : spec[(sep + 2)..];
        if (host.Length == 0 || guest.Length == 0) throw new CliUsageException($"--dir '{spec}': expected HOST or HOST::GUEST");
        if (!Directory.Exists(host)) throw new CliUsageException($"--dir '{spec}': {host} is not a directory");
        return new WasiPreopen(host, guest);
    }

    /// <summary><c>K=V</c> sets K; <c>K</c> passes on the host's K (nothing when the host has none).</summary>
    static void AddEnvironment(WasiConfig config, string spec)
    {
        int eq = spec.IndexOf('=');
        string name = eq < 0 ? spec : spec[..eq];
        if (name.Length == 0) throw new CliUsageException($"--env '{spec}': expected K=V or K");
        string? value = eq < 0 ? Environment.GetEnvironmentVariable(name) : spec[(eq + 1)..];
        if (value is not null) config.Environment.Add(new(name, value));
    }

    static Socket Listen(string spec)
    {
        if (!IPEndPoint.TryParse(spec, out IPEndPoint? endpoint) || spec.LastIndexOf(':') < 0)
            throw new CliUsageException($"--tcplisten '{spec}': expected ADDR:PORT, e.g. 127.0.0.1:8080");
        var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen();
            return socket;
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new CliUsageException($"--tcplisten '{spec}': {e.Message}");
        }
    }

    /// <summary>
    /// Makes everything after FILE the program's, options included (<c>hoist run prog.wasm --verbose</c>
    /// passes <c>--verbose</c> to the program, as wasmtime does): inserts <c>--</c> after the first token
    /// of a <c>run</c> command line that is not one of run's options or their values.
    /// </summary>
    public static string[] SeparateProgramArguments(Command root, string[] args)
    {
        if (args.Length == 0 || args[0] != "run") return args;
        var run = root.Subcommands.First(c => c.Name == "run");
        var takesValue = new HashSet<string>(StringComparer.Ordinal);
        foreach (var o in run.Options.Concat(root.Options))
            if (o.Arity.MaximumNumberOfValues > 0)
                foreach (string alias in o.Aliases.Append(o.Name)) takesValue.Add(alias);
        for (int i = 1; i < args.Length; i++)
        {
            string a = args[i];
            if (a == "--") return args;
            if (a.StartsWith('-') && a.Length > 1)
            {
                if (takesValue.Contains(a)) i++;   // "--dir X"; "--dir=X" is one token
                continue;
            }
            return i + 1 < args.Length ? [.. args[..(i + 1)], "--", .. args[(i + 1)..]] : args;
        }
        return args;
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
