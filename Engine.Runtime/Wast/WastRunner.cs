using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Runtime.Wast;

/// <summary>What a run of WAST scripts does with execution directives.</summary>
public sealed record WastOptions
{
    /// <summary>
    /// Check modules, <c>assert_malformed</c> and <c>assert_invalid</c> only; every directive that needs an
    /// engine (instantiation, invoke, assert_return, ...) is counted as skipped.
    /// </summary>
    public bool ValidateOnly { get; init; } = true;

    /// <summary>The engine that executes scripts (ignored in validate-only mode).</summary>
    public Config Config { get; init; } = new();
}

/// <summary>
/// Runs <c>.wast</c> scripts. Rules, in validate-only mode:
/// <list type="bullet">
/// <item>a module must parse, decode and validate;</item>
/// <item><c>assert_malformed</c> passes only if the module is rejected as malformed (a
///   <see cref="MalformedException"/>, from the parser, the decoder, or the validator's streaming decode of a
///   body); a rejection as invalid is the wrong category and fails;</item>
/// <item><c>assert_invalid</c> passes only if the module is rejected as invalid (a <see cref="ValidationException"/>);</item>
/// <item><c>assert_trap</c>/<c>assert_unlinkable</c> on a module need a valid module (they fail later, at
///   instantiation), then count as skipped like every other execution directive.</item>
/// </list>
/// A rejection for a reason whose message differs from the script's is still a pass, counted in
/// <see cref="WastFileResult.MessageMismatches"/>.
/// </summary>
public sealed class WastRunner(WastOptions options)
{
    public WastOptions Options { get; } = options;

    readonly Lazy<Engine> _engine = new(() => new Engine(options.Config));

    /// <summary>Runs every <c>.wast</c> file under the given files or directories, in name order.</summary>
    public WastReport Run(IEnumerable<string> filesOrDirs, Action<WastFileResult>? onFile = null)
    {
        var report = new WastReport();
        foreach (string path in ExpandPaths(filesOrDirs))
        {
            var result = RunFile(path);
            report.Files.Add(result);
            onFile?.Invoke(result);
        }
        return report;
    }

    public static IEnumerable<string> ExpandPaths(IEnumerable<string> filesOrDirs)
    {
        foreach (string p in filesOrDirs)
        {
            if (Directory.Exists(p))
            {
                foreach (string f in Directory.EnumerateFiles(p, "*.wast", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
                    yield return f;
            }
            else yield return p;
        }
    }

    public WastFileResult RunFile(string path)
    {
        var result = new WastFileResult(path);
        WastScript script;
        try
        {
            script = WastParser.Parse(File.ReadAllText(path), path);
        }
        catch (WasmException e)
        {
            result.Failures.Add(new WastFailure(path, e.Location.Line, "script", e.Message));
            return result;
        }
        catch (IOException e)
        {
            result.Failures.Add(new WastFailure(path, 0, "script", e.Message));
            return result;
        }
        if (Options.ValidateOnly)
        {
            foreach (var command in script.Commands) RunCommand(path, command, result);
            return result;
        }
        using var executor = new WastExecutor(_engine.Value, path);
        foreach (var command in script.Commands)
        {
            if (command is WastAssertMalformed or WastAssertInvalid) { RunCommand(path, command, result); continue; }
            if (executor.Run(command) is { } failure)
                result.Failures.Add(new WastFailure(path, command.Line, KindOf(command), failure));
            else result.Passed++;
        }
        return result;
    }

    static string KindOf(WastCommand command) => command switch
    {
        WastModuleCommand => "module",
        WastModuleInstance => "module instance",
        WastRegister => "register",
        WastActionCommand => "action",
        WastAssertReturn => "assert_return",
        WastAssertTrap => "assert_trap",
        WastAssertExhaustion => "assert_exhaustion",
        WastAssertException => "assert_exception",
        WastAssertUnlinkable => "assert_unlinkable",
        _ => command.GetType().Name,
    };

    void RunCommand(string path, WastCommand command, WastFileResult result)
    {
        void Fail(string kind, string message) => result.Failures.Add(new WastFailure(path, command.Line, kind, message));

        switch (command)
        {
            case WastModuleCommand m:
                if (Load(m.Module, path) is { } loadError) Fail("module", $"{loadError.Stage}: {loadError.Exception.Message}");
                else result.Passed++;
                break;

            case WastAssertMalformed a:
            {
                var error = Load(a.Module, path);
                if (error is null) Fail(Kind(a), $"module was accepted, expected malformed: \"{a.Message}\"");
                else if (error.Exception is not MalformedException) Fail(Kind(a), $"rejected as invalid ({error.Exception.Message}), expected malformed: \"{a.Message}\"");
                else Pass(error, a.Message);
                break;
            }

            case WastAssertInvalid a:
            {
                var error = Load(a.Module, path);
                if (error is null) Fail(Kind(a), $"module was accepted, expected invalid: \"{a.Message}\"");
                else if (error.Exception is not ValidationException) Fail(Kind(a), $"rejected as malformed ({error.Exception.Message}), expected invalid: \"{a.Message}\"");
                else Pass(error, a.Message);
                break;
            }

            case WastAssertTrap { Module: { } module }:
                SkipIfValid(module, "assert_trap");
                break;

            case WastAssertUnlinkable a:
                SkipIfValid(a.Module, "assert_unlinkable");
                break;

            default:
                result.Skipped++;
                break;
        }

        void Pass(LoadError error, string expected)
        {
            result.Passed++;
            if (!MessageMatches(error.Exception.Message, expected)) result.MessageMismatches++;
        }

        void SkipIfValid(WastModule module, string kind)
        {
            if (Load(module, path) is { } error) Fail(kind, $"module does not load: {error.Stage}: {error.Exception.Message}");
            else result.Skipped++;
        }
    }

    static string Kind(WastAssertMalformed a) => a.Custom ? "assert_malformed_custom" : "assert_malformed";
    static string Kind(WastAssertInvalid a) => a.Custom ? "assert_invalid_custom" : "assert_invalid";

    /// <summary>The spec's reference interpreter accepts a message that starts with the expected one.</summary>
    static bool MessageMatches(string actual, string expected) =>
        actual.StartsWith(expected, StringComparison.Ordinal) || actual.Contains(expected, StringComparison.Ordinal);

    enum Stage { Parse, Decode, Validate }

    sealed record LoadError(Stage Stage, WasmException Exception);

    /// <summary>
    /// Loads a script module the way the runtime would: text is parsed and encoded to a binary, and
    /// every binary is decoded and validated. Returns the first error, with the stage that raised it.
    /// </summary>
    LoadError? Load(WastModule module, string path)
    {
        byte[] bytes;
        try
        {
            bytes = module switch
            {
                WastTextModule { Error: { } e } => throw e,
                WastTextModule t => FrontEnd.Encode(t.Module!),
                WastQuoteModule q => FrontEnd.Encode(WatParser.ParseQuoted(q.Text, path)),
                WastBinaryModule b => b.Bytes,
                _ => throw new InvalidOperationException("unknown module form"),
            };
        }
        catch (WasmException e) { return new LoadError(Stage.Parse, e); }

        WasmModule decoded;
        try { decoded = FrontEnd.Decode(bytes, path); }
        catch (WasmException e) { return new LoadError(Stage.Decode, e); }

        try { FrontEnd.Validate(decoded, features: Options.Config.Features); }
        catch (WasmException e) { return new LoadError(Stage.Validate, e); }
        return null;
    }
}
