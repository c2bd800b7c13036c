using System.Diagnostics;
using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>What a robustness run found: how inputs ended, and every input that ended badly.</summary>
public sealed record RobustnessResult(int Inputs, int Accepted, int Rejected, IReadOnlyList<RobustnessFailure> Failures);

/// <summary>An input that did not end in success or a typed <see cref="WasmException"/>: a crash or a hang.</summary>
public sealed record RobustnessFailure(int Index, byte[] Input, string What);

/// <summary>
/// Feeds mutated inputs to a target on a worker thread and watches it: an input must end in success
/// or a <see cref="WasmException"/>; any other exception is a failure, and so is an input that runs
/// longer than the hang limit (the run then stops, since the worker cannot be interrupted safely).
/// </summary>
public static class RobustnessRun
{
    public static RobustnessResult Run(IReadOnlyList<byte[]> corpus, int seed, int iterations, Action<byte[]> target, TimeSpan? hangLimit = null)
    {
        if (corpus.Count == 0) throw new ArgumentException("the corpus is empty", nameof(corpus));
        var limit = hangLimit ?? TimeSpan.FromSeconds(10);
        var mutator = new BinaryMutator(seed);
        var pick = new Random(seed ^ 0x5EED);
        var failures = new List<RobustnessFailure>();
        int accepted = 0, rejected = 0, done = 0;
        long startedAt = 0;
        byte[] current = [];
        bool finished = false;

        var worker = new Thread(() =>
        {
            for (int i = 0; i < iterations; i++)
            {
                byte[] input = mutator.Mutate(corpus[pick.Next(corpus.Count)]);
                Volatile.Write(ref current, input);
                Volatile.Write(ref startedAt, Stopwatch.GetTimestamp());
                try { target(input); accepted++; }
                catch (WasmException) { rejected++; }
                catch (Exception e)
                {
                    lock (failures) failures.Add(new RobustnessFailure(i, input, $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}"));
                }
                Volatile.Write(ref done, i + 1);
            }
            Volatile.Write(ref finished, true);
        }, 64 * 1024 * 1024) { IsBackground = true, Name = "robustness worker" };
        worker.Start();

        while (!Volatile.Read(ref finished))
        {
            if (worker.Join(100)) break;
            long began = Volatile.Read(ref startedAt);
            if (began != 0 && Stopwatch.GetElapsedTime(began) > limit)
            {
                int at = Volatile.Read(ref done);
                lock (failures) failures.Add(new RobustnessFailure(at, Volatile.Read(ref current), $"hang: no result after {limit.TotalSeconds:0} s"));
                return new RobustnessResult(at, accepted, rejected, failures);
            }
        }
        return new RobustnessResult(iterations, accepted, rejected, failures);
    }
}
