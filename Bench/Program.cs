using BenchmarkDotNet.Running;

namespace Hoist.Bench;

/// <summary>
/// Benchmarks. <c>quick</c> prints front-end throughput in seconds; <c>compile</c> compile throughput
/// next to V8 Liftoff; anything else goes to
/// BenchmarkDotNet (e.g. <c>--filter '*DecodeValidate*'</c>).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args is ["quick", ..])
        {
            FrontEnd.QuickFrontEnd.Run();
            return;
        }
        if (args is ["compile", ..])
        {
            FrontEnd.QuickCompile.Run();
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
