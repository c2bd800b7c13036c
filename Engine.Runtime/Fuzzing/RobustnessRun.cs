using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>What a robustness run found: how inputs ended, and every input that ended badly.</summary>
public sealed record RobustnessResult(int Inputs, int Accepted, int Rejected, IReadOnlyList<RobustnessFailure> Failures);

/// <summary>An input that did not end in success or a typed error: a crash or a hang.</summary>
public sealed record RobustnessFailure(int Index, byte[] Input, string What);

/// <summary>
/// Feeds mutated inputs to a target on a worker thread (<see cref="GuardedWorker"/>) and watches it: an input must
/// end in success or a typed error (a <see cref="WasmException"/>, or what <c>isTypedError</c> accepts); any other
/// exception is a failure, and so is an input that runs longer than the hang limit (the run then stops, since the
/// worker cannot be interrupted safely).
/// </summary>
public static class RobustnessRun
{
    public static RobustnessResult Run(IReadOnlyList<byte[]> corpus, int seed, int iterations, Action<byte[]> target,
        TimeSpan? hangLimit = null, Func<Exception, bool>? isTypedError = null, Func<bool>? stop = null)
    {
        if (corpus.Count == 0) throw new ArgumentException("the corpus is empty", nameof(corpus));
        var limit = hangLimit ?? TimeSpan.FromSeconds(10);
        isTypedError ??= e => e is WasmException;
        var mutator = new BinaryMutator(seed);
        var pick = new Random(seed ^ 0x5EED);
        var failures = new List<RobustnessFailure>();
        int accepted = 0, rejected = 0, done = 0;
        byte[] current = [];

        bool finished = GuardedWorker.Run(worker =>
        {
            for (int i = 0; i < iterations && !(stop?.Invoke() ?? false); i++)
            {
                byte[] input = mutator.Mutate(corpus[pick.Next(corpus.Count)]);
                Volatile.Write(ref current, input);
                worker.Beat();
                try { target(input); accepted++; }
                catch (Exception e) when (isTypedError(e)) { rejected++; }
                catch (Exception e)
                {
                    lock (failures) failures.Add(new RobustnessFailure(i, input, $"{e.GetType().Name}: {e.Message}\n{e.StackTrace}"));
                }
                Volatile.Write(ref done, i + 1);
            }
        }, limit);

        int at = Volatile.Read(ref done);
        if (!finished)
        {
            lock (failures) failures.Add(new RobustnessFailure(at, Volatile.Read(ref current), $"hang: no result after {limit.TotalSeconds:0} s"));
        }
        lock (failures) return new RobustnessResult(at, accepted, rejected, failures.ToList());
    }
}
