using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Runs fuzzing work on a dedicated thread with a large stack (deep generated code, and a fixed stack budget for
/// wasm whatever thread called) while the calling thread watches it for hangs. The work calls <see cref="Beat"/>
/// as it starts each unit (an input, a module, a shrinking attempt); a unit running longer than the limit is a
/// hang. A hung thread cannot be stopped safely, so <see cref="Run"/> then returns and leaves it behind (it is a
/// background thread). An exception escaping the work is rethrown on the calling thread.
/// </summary>
public sealed class GuardedWorker
{
    long _beat;

    GuardedWorker() { }

    /// <summary>Marks the start of a unit of work.</summary>
    public void Beat() => Volatile.Write(ref _beat, Stopwatch.GetTimestamp());

    /// <summary>Runs <paramref name="work"/>; returns false if a unit hung (ran longer than <paramref name="unitLimit"/>).</summary>
    public static bool Run(Action<GuardedWorker> work, TimeSpan unitLimit, int stackSize = 64 * 1024 * 1024)
    {
        var guard = new GuardedWorker();
        guard.Beat();
        ExceptionDispatchInfo? failure = null;
        var thread = new Thread(() =>
        {
            try { work(guard); }
            catch (Exception e) { failure = ExceptionDispatchInfo.Capture(e); }
        }, stackSize) { IsBackground = true, Name = "fuzz worker" };
        thread.Start();
        while (!thread.Join(100))
        {
            if (Stopwatch.GetElapsedTime(Volatile.Read(ref guard._beat)) > unitLimit) return false;
        }
        failure?.Throw();
        return true;
    }
}
