using System.Diagnostics;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Differential fuzzing: generates modules (<see cref="ModuleGenerator"/>), runs each on every available Hoist
/// tier and, for the modules of the V8-compatible profile, on V8; compares everything (<see cref="OutcomeComparer"/>);
/// shrinks each failure and writes it as a reproducer.
/// </summary>
/// <remarks>
/// <para>Checks, on every module: it validates (else a generator bug); each tier compiles it, runs every call to a
/// result or a trap (never an internal error, never a hang); and all runs agree — the tiers with each other, V8 with
/// the reference tier. With only one tier, the same tier also runs every module compiled with fuel metering instead
/// of epoch checks (other code, the same semantics, so also a check of determinism), and V8 is the independent
/// oracle.</para>
/// <para>Module i of a run with seed S is generated from <see cref="ModuleSeed"/>(S, i), with the V8-compatible
/// profile when i is even and the full profile when it is odd, whatever is available, so a seed names the same
/// modules everywhere.</para>
/// </remarks>
public sealed class DiffFuzzer : IDisposable
{
    readonly FuzzSettings _settings;
    readonly List<IFuzzTarget> _tiers = [];
    readonly V8Target? _v8;
    readonly FuzzReport _report;

    DiffFuzzer(FuzzSettings settings, IReadOnlyList<IFuzzTarget>? tiers = null)
    {
        _settings = settings;
        var notes = new List<string>();
        var available = Enum.GetValues<Strategy>().Where(EngineTarget.IsAvailable).ToList();
        if (tiers is not null) _tiers.AddRange(tiers);
        else foreach (var s in available) _tiers.Add(new EngineTarget(s));
        if (tiers is null && available.Count == 1)
        {
            // The same tier again, compiled with fuel metering instead of epoch checks: same semantics, other code.
            _tiers.Add(new EngineTarget(available[0], available[0].ToString().ToLowerInvariant() + "+fuel", meteredFuel: true));
            notes.Add($"only one tier is available ({_tiers[0].Name}): no tier-against-tier comparison; each module runs on " +
                $"{_tiers[0].Name} twice, with epoch checks and with fuel metering, which must agree, and is checked on its own " +
                "(compiles, every call returns or traps, no internal error, no hang)");
        }
        if (settings.UseV8)
        {
            _v8 = V8Target.TryStart();
            if (_v8 is null) notes.Add("node was not found: no comparison with V8");
        }
        _report = new FuzzReport { Mode = "diff", Targets = [.. _tiers.Select(t => t.Name), .. _v8 is null ? [] : new[] { "v8" }] };
        foreach (var n in notes) _report.AddNote(n);
    }

    /// <summary>Runs the fuzzer until the settings say stop (or a hang stops it); the report holds the findings.</summary>
    public static FuzzReport Run(FuzzSettings settings)
    {
        using var fuzzer = new DiffFuzzer(settings);
        return fuzzer.RunLoop();
    }

    /// <summary>Runs with the given tiers (the first is the reference), instead of every available one: for tests.</summary>
    internal static FuzzReport Run(FuzzSettings settings, IReadOnlyList<IFuzzTarget> tiers)
    {
        using var fuzzer = new DiffFuzzer(settings, tiers);
        return fuzzer.RunLoop();
    }

    /// <summary>The seed of module <paramref name="iteration"/> of a run with seed <paramref name="runSeed"/> (SplitMix64).</summary>
    public static int ModuleSeed(int runSeed, int iteration)
    {
        ulong z = ((ulong)(uint)runSeed << 32 | (uint)iteration) + 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return (int)((z ^ (z >> 31)) & 0x7FFF_FFFF);
    }

    /// <summary>The generator profile of module <paramref name="iteration"/>: V8-compatible when even.</summary>
    public static (GeneratorOptions Options, string Name) Profile(int iteration) =>
        iteration % 2 == 0 ? (GeneratorOptions.V8Compatible, "v8-compatible") : (GeneratorOptions.Full, "full");

    /// <summary>Generates module <paramref name="iteration"/> of a run, as the fuzzer does.</summary>
    public static GModule Generate(int runSeed, int iteration) =>
        ModuleGenerator.Generate(ModuleSeed(runSeed, iteration), Profile(iteration).Options);

    /// <summary>
    /// Runs module <see cref="FuzzSettings.FirstIteration"/> of the run, after <paramref name="edits"/>, on every
    /// Hoist tier and variant, and does nothing else (no V8, no comparison, no report): what
    /// <see cref="FuzzSupervisor"/> has a child process do to learn whether a shrunk module still crashes it.
    /// </summary>
    public static void RunCase(FuzzSettings settings, IReadOnlyList<ShrinkEdit> edits)
    {
        var module = Shrinker.Replay(Generate(settings.Seed, settings.FirstIteration), edits);
        if (Build(module) is not { } c) return;
        CrashForTests(settings.FirstIteration, module);
        using var fuzzer = new DiffFuzzer(settings with { UseV8 = false });
        foreach (var t in fuzzer._tiers) t.Run(c);
    }

    FuzzReport RunLoop()
    {
        var clock = Stopwatch.StartNew();
        var lastProgress = clock.Elapsed;
        int iteration = _settings.FirstIteration;
        bool finished = GuardedWorker.Run(worker =>
        {
            for (; !_settings.Done(iteration - _settings.FirstIteration, clock.Elapsed); iteration++)
            {
                worker.Beat();
                RunOne(iteration, worker);
                _report.Elapsed = clock.Elapsed;
                if (_settings.Progress is { } progress && clock.Elapsed - lastProgress >= _settings.ProgressInterval)
                {
                    lastProgress = clock.Elapsed;
                    progress(_report);
                }
            }
        }, _settings.HangLimit);
        _report.Elapsed = clock.Elapsed;
        if (!finished)
        {
            string where = (_settings.StateDir ?? _settings.OutDir) is { } dir ? $"; the module is {Path.Combine(dir, FuzzSettings.CurrentBinary)}" : "";
            _report.AddFinding(new Finding(iteration, ModuleSeed(_settings.Seed, iteration), Profile(iteration).Name,
                new Divergence("hang (no result within the hang limit)", $"module {iteration} ran longer than {_settings.HangLimit.TotalSeconds:0} s{where}"), null));
        }
        else _settings.ClearCurrent();
        return _report;
    }

    void RunOne(int iteration, GuardedWorker worker)
    {
        int seed = ModuleSeed(_settings.Seed, iteration);
        var (options, profile) = Profile(iteration);
        var module = ModuleGenerator.Generate(seed, options);
        _report.Modules++;
        string origin = $"hoist fuzz --seed {_settings.Seed} --first {iteration} --iterations 1 (module seed {seed}, {profile} profile)";
        if (Build(module) is not { } c)
        {
            _report.GeneratorBugs++;
            var bug = new Divergence("generator bug: invalid module", GeneratorError(module));
            string? written = null;
            if (_settings.OutDir is not null)
            {
                try { written = Reproducer.Write(_settings.OutDir, $"generator-{_settings.Seed}-{iteration}", new FuzzCase(module, ModuleEmitter.Encode(module)), origin, bug, []); }
                catch (Exception e) when (e is EmitException or WasmException) { }   // not even printable: the seed says it all
            }
            _report.AddFinding(new Finding(iteration, seed, profile, bug, written));
            return;
        }
        _report.Coverage.Add(FrontEnd.Decode(c.Binary));
        _settings.MarkCurrent($"diff {iteration}", c.Binary);
        CrashForTests(iteration, module);
        bool useV8 = _v8 is { Alive: true } && options == GeneratorOptions.V8Compatible;
        var outcomes = RunAll(c, useV8, out bool v8Usable);
        if (useV8)
        {
            if (v8Usable) _report.V8Compared++;
            else _report.V8Unusable++;
        }
        if (outcomes.Count > 0) _report.Count(outcomes[0]);
        if (Divergence(outcomes) is not { } divergence) return;

        // Shrink, keeping only edits after which the same failure shows, then write the reproducer.
        if (_settings.Shrink)
        {
            var shrinker = new Shrinker(candidate =>
            {
                worker.Beat();
                return Build(candidate) is { } cc && Divergence(RunAll(cc, useV8, out _))?.Signature == divergence.Signature;
            }, _settings.ShrinkTime);
            module = shrinker.Shrink(module);
            c = Build(module)!;
            outcomes = RunAll(c, useV8, out _);
            divergence = Divergence(outcomes) ?? divergence;
        }
        string? path = _settings.OutDir is null ? null
            : Reproducer.Write(_settings.OutDir, $"fuzz-{_settings.Seed}-{iteration}", c, origin, divergence, outcomes);
        _report.AddFinding(new Finding(iteration, seed, profile, divergence, path));
    }

    /// <summary>Encodes and validates; null when the module is not valid (or cannot be emitted).</summary>
    static FuzzCase? Build(GModule module)
    {
        try
        {
            byte[] binary = ModuleEmitter.Encode(module);
            ModuleValidator.Validate(FrontEnd.Decode(binary));
            return new FuzzCase(module, binary);
        }
        catch (Exception e) when (e is EmitException or WasmException) { return null; }
    }

    /// <summary>Why a generated module cannot be built (what <see cref="Build"/> swallowed).</summary>
    static string GeneratorError(GModule module)
    {
        try { ModuleValidator.Validate(FrontEnd.Decode(ModuleEmitter.Encode(module))); return "valid after all"; }
        catch (Exception e) when (e is EmitException or WasmException) { return $"{e.GetType().Name}: {e.Message}"; }
    }

    List<RunOutcome> RunAll(FuzzCase c, bool useV8, out bool v8Usable)
    {
        var outcomes = _tiers.Select(t => t.Run(c)).ToList();
        // A tier that does not compile something the module uses (a gap, not a wrong answer) sits this module out.
        foreach (var o in outcomes) if (o.Unsupported is { } u) _report.CountUnsupported(o.Target, u.Detail);
        outcomes.RemoveAll(o => o.Unsupported is not null);
        v8Usable = false;
        if (useV8)
        {
            var v8 = _v8!.Run(c);
            // V8 refusing the module or its runner failing says nothing about Hoist: leave V8 out then.
            v8Usable = v8.Failure is null;
            if (v8Usable) outcomes.Add(v8);
        }
        return outcomes;
    }

    /// <summary>The first failure: a run that fails on its own, or a run that differs from the first tier's.</summary>
    Divergence? Divergence(List<RunOutcome> outcomes)
    {
        if (outcomes.Count == 0) return null;
        foreach (var o in outcomes) if (OutcomeComparer.Check(o) is { } failure) return failure;
        for (int i = 1; i < outcomes.Count; i++)
        {
            bool exact = _tiers.Concat(_v8 is null ? [] : [_v8]).First(t => t.Name == outcomes[i].Target).ExactNans;
            if (OutcomeComparer.Compare(outcomes[0], outcomes[i], exact) is { } d) return d;
        }
        return null;
    }

    /// <summary>
    /// A test hook: with HOIST_FUZZ_TEST_CRASH=N in the environment, running module N (while it has a call left)
    /// ends the process as a crash would, so the tests of <see cref="FuzzSupervisor"/> have one.
    /// </summary>
    static void CrashForTests(int iteration, GModule module)
    {
        if (Environment.GetEnvironmentVariable("HOIST_FUZZ_TEST_CRASH") is { } n && n == iteration.ToString(System.Globalization.CultureInfo.InvariantCulture)
            && module.Calls.Count > 0)
            Environment.FailFast("HOIST_FUZZ_TEST_CRASH");
    }

    public void Dispose()
    {
        foreach (var t in _tiers) t.Dispose();
        _v8?.Dispose();
    }
}
