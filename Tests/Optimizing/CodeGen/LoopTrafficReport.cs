using Hoist.Optimizing;
using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Isa.X64;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.RegAlloc;
using Hoist.Optimizing.Translate;
using Hoist.Tests.Spec;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Validation;
using Xunit.Abstractions;

namespace Hoist.Tests.Optimizing.CodeGen;

/// <summary>
/// A measuring tool for the register allocator, not a check: the moves it inserts in the benchmark programs,
/// weighted by 10^loop depth of the block they land in (a static estimate of the spill and move traffic of hot
/// loops). Runs only with HOIST_RA_REPORT=1 (prints per program: weighted stores, loads, register moves,
/// stack operands, their sum without libc's printf_core, the heaviest functions); HOIST_RA_DUMP=program:function (function index, imports included) also writes that function's
/// allocated VCode to /tmp/ra-dump.txt.
/// </summary>
public class LoopTrafficReport(ITestOutputHelper output)
{
    [Fact]
    public void Report()
    {
        if (Environment.GetEnvironmentVariable("HOIST_RA_REPORT") != "1") return;
        string? dump = Environment.GetEnvironmentVariable("HOIST_RA_DUMP");
        double total = 0;
        foreach (var name in new[] { "sieve", "strings", "sort", "lz", "vm", "binarytrees", "sha256", "nbody", "spectral", "calls" })
        {
            string path = Path.Combine(SpecSuite.RepoRoot, "Bench", "programs", name + ".wasm");
            var module = FrontEnd.Decode(File.ReadAllBytes(path), path);
            var ctx = ModuleValidator.ValidateModule(module);
            var offsets = new VmOffsets(module);
            var env = new ModuleEnvironment(ctx, offsets);
            var translator = new FunctionTranslator(env);
            var passes = PassManager.CreateDefault();
            var lower = new Lower();
            double stores = 0, loads = 0, moves = 0, stackOps = 0;
            var perFunction = new List<(double Total, int Index)>();
            for (int i = 0; i < module.Code.Count; i++)
            {
                Function f = translator.Translate(i);
                passes.Run(f);
                var lowered = lower.Run(f, interruptChecks: false);
                var code = lowered.Code;
                var alloc = LinearScan.Allocate(code, X64Regs.Env);
                var loops = LoopInfo.Compute(code);
                double before = stores + loads + moves + stackOps;
                var blockOf = new int[code.InstCount];
                for (int b = 0; b < code.BlockCount; b++)
                {
                    var (s, e) = code.InstRange(b);
                    for (int k = s; k < e; k++) blockOf[k] = b;
                }
                double W(int inst) => Math.Pow(10, Math.Min(loops.Depth[blockOf[Math.Min(inst, code.InstCount - 1)]], 4));
                foreach (var e in alloc.Edits)
                {
                    double w = W(e.At.Inst);
                    if (e.To.Kind == AllocationKind.Stack) stores += w;
                    else if (e.From.Kind == AllocationKind.Stack) loads += w;
                    else moves += w;
                }
                for (int k = 0; k < code.InstCount; k++)
                {
                    var ops = code.Operands(k);
                    for (int o = 0; o < ops.Length; o++)
                        if (ops[o].Kind == OperandKind.Use && alloc.Operands[code.OperandStart(k) + o].Kind == AllocationKind.Stack) stackOps += W(k);
                }
                perFunction.Add((stores + loads + moves + stackOps - before, i + module.ImportedFunctionCount));
                if (dump == $"{name}:{i + module.ImportedFunctionCount}")
                    File.WriteAllText("/tmp/ra-dump.txt", VCodePrinter.Print(code, m => m.ToString(), alloc)
                        + "\nloop depth per block: " + string.Join(" ", loops.Depth.Select((d, b) => $"b{b}:{d}")) + "\n");
            }
            // printf_core (deep loops, rarely run) would dominate every program's figure.
            double sum = perFunction.Where(x => module.FunctionName((uint)x.Index) != "printf_core").Sum(x => x.Total);
            total += Math.Log(Math.Max(sum, 1));
            output.WriteLine($"{name,-12} stores {stores,10:F0} loads {loads,10:F0} moves {moves,10:F0} stack-operands {stackOps,10:F0} without printf_core {sum,8:F0}  top: "
                + string.Join(" ", perFunction.OrderByDescending(x => x.Total).Take(4).Select(x => $"{module.FunctionName((uint)x.Index) ?? "f" + x.Index}={x.Total:F0}")));
        }
        output.WriteLine($"geomean without printf_core {Math.Exp(total / 10):F0}");
    }
}

/// <summary>A measuring tool (HOIST_RA_TIME=1): the allocator's share of compiling big.wasm, one thread, after a warm-up pass.</summary>
public class AllocatorTimeReport(ITestOutputHelper output)
{
    [Fact]
    public void Report()
    {
        if (Environment.GetEnvironmentVariable("HOIST_RA_TIME") != "1") return;
        string path = Path.Combine(SpecSuite.RepoRoot, "Bench", "programs", "big.wasm");
        var module = FrontEnd.Decode(File.ReadAllBytes(path), path);
        var ctx = ModuleValidator.ValidateModule(module);
        var offsets = new VmOffsets(module);
        var env = new ModuleEnvironment(ctx, offsets);
        var translator = new FunctionTranslator(env);
        var passes = PassManager.CreateDefault();
        var lower = new Lower();
        var lowered = new List<LoweredFunction>();
        for (int i = 0; i < module.Code.Count; i++)
        {
            Function f = translator.Translate(i);
            passes.Run(f);
            lowered.Add(lower.Run(f, interruptChecks: false));
        }
        for (int round = 0; round < 4; round++)
        {
            long alloc0 = GC.GetAllocatedBytesForCurrentThread();
            var sw = System.Diagnostics.Stopwatch.StartNew();
            foreach (var l in lowered) LinearScan.Allocate(l.Code, X64Regs.Env);
            sw.Stop();
            output.WriteLine($"round {round}: {lowered.Count} functions allocated in {sw.ElapsedMilliseconds} ms, {(GC.GetAllocatedBytesForCurrentThread() - alloc0) / 1e6:F0} MB allocated");
        }
    }
}
