using System.Diagnostics;
using Hoist.Compiler;
using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Binary fuzzing: generated modules, mutated byte by byte (<see cref="BinaryMutator"/>), through the decoder, the
/// validator and the compiler of every available tier (<see cref="RobustnessRun"/>). Every input must end in a
/// compiled module or a typed error — a <see cref="WasmException"/>, or an <see cref="UnsupportedFeatureException"/>
/// for a valid module using what a tier does not compile — never another exception, never a hang. A failing input
/// is shrunk by deleting byte ranges while it fails the same way, and written as a <c>.wasm</c> reproducer.
/// </summary>
public static class BinaryFuzzer
{
    /// <summary>How many generated modules the mutations start from.</summary>
    public const int CorpusSize = 64;

    public static FuzzReport Run(FuzzSettings settings)
    {
        var engines = Enum.GetValues<Strategy>().Where(EngineTarget.IsAvailable)
            .Select(s => new Engine(new Config { Strategy = s, ParallelCompilation = false })).ToList();
        var report = new FuzzReport { Mode = "binary", Targets = ["decoder", "validator", .. engines.Select(e => e.Config.Strategy.ToString().ToLowerInvariant())] };
        if (engines.Count == 1) report.AddNote($"only one tier is available: inputs are compiled by {report.Targets[^1]} alone");

        var corpus = new List<byte[]>(CorpusSize);
        for (int i = 0; i < CorpusSize; i++) corpus.Add(ModuleEmitter.Encode(DiffFuzzer.Generate(settings.Seed, i)));

        var clock = Stopwatch.StartNew();
        var lastProgress = TimeSpan.Zero;
        int done = 0;
        void Target(byte[] input)
        {
            report.Modules = ++done;
            report.Elapsed = clock.Elapsed;
            if (settings.Progress is { } progress && clock.Elapsed - lastProgress >= settings.ProgressInterval)
            {
                lastProgress = clock.Elapsed;
                progress(report);
            }
            settings.MarkCurrent($"binary {done - 1}", input);
            Compile(input, engines);
        }

        int iterations = settings.Iterations ?? (settings.Duration is null ? FuzzSettings.DefaultIterations : int.MaxValue);
        var result = RobustnessRun.Run(corpus, settings.Seed, iterations, Target, settings.HangLimit, IsTypedError,
            stop: () => settings.Duration is { } d && clock.Elapsed >= d);
        report.Elapsed = clock.Elapsed;
        report.Modules = result.Inputs;
        if (result.Failures.All(f => !f.What.StartsWith("hang", StringComparison.Ordinal))) settings.ClearCurrent();
        report.AddNote($"{result.Accepted} inputs compiled, {result.Rejected} ended in a typed error");
        foreach (var failure in result.Failures)
        {
            string signature = Signature(failure.What);
            byte[] input = failure.What.StartsWith("hang", StringComparison.Ordinal) || !settings.Shrink
                ? failure.Input
                : ShrinkBytes(failure.Input, bytes => Fails(bytes, engines) == signature, settings.ShrinkTime);
            string? path = null;
            if (settings.OutDir is not null)
            {
                Directory.CreateDirectory(settings.OutDir);
                path = Path.Combine(settings.OutDir, $"binary-{settings.Seed}-{failure.Index}.wasm");
                File.WriteAllBytes(path, input);
                File.WriteAllText(Path.ChangeExtension(path, ".txt"), $"hoist fuzz --mode binary --seed {settings.Seed}: input {failure.Index}\n{failure.What}\n");
            }
            report.AddFinding(new Finding(failure.Index, settings.Seed, "binary", new Divergence(signature, failure.What), path));
        }
        return report;
    }

    /// <summary>Decodes, validates and compiles on every engine; throws what the first stage that fails throws.</summary>
    static void Compile(byte[] input, List<Engine> engines)
    {
        var module = FrontEnd.Decode(input);
        FrontEnd.Validate(module);
        foreach (var engine in engines) new Module(engine, input).Dispose();
    }

    static bool IsTypedError(Exception e) => e is WasmException or UnsupportedFeatureException;

    /// <summary>The exception type and the method it came from: what "failing the same way" means for a binary.</summary>
    static string Signature(string what)
    {
        string type = what.Split(':', 2)[0];
        string frame = what.Split('\n').Skip(1).FirstOrDefault(l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal))?.Trim() ?? "";
        int paren = frame.IndexOf('(');
        return paren > 0 ? $"{type} {frame[..paren]}" : type;
    }

    /// <summary>The signature of the failure an input causes, or null when it compiles or fails with a typed error.</summary>
    static string? Fails(byte[] input, List<Engine> engines)
    {
        try { Compile(input, engines); return null; }
        catch (Exception e) when (IsTypedError(e)) { return null; }
        catch (Exception e) { return Signature($"{e.GetType().Name}: {e.Message}\n{e.StackTrace}"); }
    }

    /// <summary>Deletes ever smaller byte ranges while <paramref name="fails"/> holds (a simple delta debugging).</summary>
    public static byte[] ShrinkBytes(byte[] input, Func<byte[], bool> fails, TimeSpan budget)
    {
        var clock = Stopwatch.StartNew();
        byte[] current = input;
        for (int chunk = Math.Max(1, current.Length / 2); chunk >= 1 && clock.Elapsed < budget; chunk /= 2)
        {
            for (int at = 8; at < current.Length && clock.Elapsed < budget; )
            {
                int n = Math.Min(chunk, current.Length - at);
                byte[] candidate = [.. current.AsSpan(0, at), .. current.AsSpan(at + n)];
                if (fails(candidate)) current = candidate;
                else at += n;
            }
        }
        return current;
    }
}
