using System.Runtime.ExceptionServices;
using Hoist.Isa;
using Hoist.Wasm;

namespace Hoist.Compiler;

/// <summary>
/// Compiles every defined function of a module with a compiler's per-thread worker (its reusable state), on one
/// thread or on every core. Both tiers use it, so they share the rules:
/// <list type="bullet">
/// <item>Parallel only above <see cref="CompileInput.ParallelThresholdBytes"/> of code (and with more than one core and
///   function): one worker per core for its whole share, taking function indices in increasing order from a shared
///   counter. The output is the same either way: a function's code depends only on its own body.</item>
/// <item>The error reported for invalid or unsupported input (<see cref="WasmException"/>,
///   <see cref="UnsupportedFeatureException"/>) is the lowest failing function's, as a
///   sequential pass would report: after a failure at index i no worker takes an index above i, and every index below
///   i was taken before it and still completes. Any other exception is a compiler bug: every worker stops and it is
///   rethrown unwrapped on the calling thread.</item>
/// </list>
/// </summary>
public static class FunctionCompilation
{
    /// <summary>Compiles functions 0..n-1 of <paramref name="input"/>'s module; <paramref name="finish"/> sees each worker
    /// once its share is done (serialized: workers' statistics may be merged there).</summary>
    public static MachineCode[] CompileAll<TWorker>(CompileInput input, Func<TWorker> newWorker, Func<TWorker, int, MachineCode> compile,
        Action<TWorker>? finish = null)
    {
        var code = input.Module.Code;
        var functions = new MachineCode[code.Count];
        long bytes = 0;
        foreach (FunctionBody body in code) bytes += body.Code.Length;

        if (!input.Parallel || bytes < input.ParallelThresholdBytes || Environment.ProcessorCount < 2 || code.Count < 2)
        {
            var worker = newWorker();
            for (int i = 0; i < code.Count; i++) functions[i] = compile(worker, i);
            finish?.Invoke(worker);
            return functions;
        }

        int next = -1;
        int failedIndex = int.MaxValue;
        Exception? failure = null;
        ExceptionDispatchInfo? internalError = null;
        var gate = new object();
        void Work()
        {
            var worker = newWorker();
            int i;
            while ((i = Interlocked.Increment(ref next)) < code.Count && i < Volatile.Read(ref failedIndex))
            {
                try { functions[i] = compile(worker, i); }
                catch (Exception e) when (e is WasmException or UnsupportedFeatureException)
                {
                    lock (gate)
                    {
                        if (i < failedIndex) { failedIndex = i; failure = e; }
                    }
                }
                catch (Exception e)
                {
                    lock (gate) internalError ??= ExceptionDispatchInfo.Capture(e);
                    Volatile.Write(ref failedIndex, -1);
                }
            }
            if (finish is not null) lock (gate) finish(worker);
        }
        int workers = Math.Min(Environment.ProcessorCount, code.Count);
        var others = new Task[workers - 1];
        for (int w = 0; w < others.Length; w++)
            others[w] = Task.Factory.StartNew(Work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        Work();
        Task.WaitAll(others);
        internalError?.Throw();
        if (failure is not null) throw failure;
        return functions;
    }
}
