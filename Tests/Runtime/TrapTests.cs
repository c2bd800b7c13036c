using Hoist.Isa.X64;
using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm;
using static Hoist.Tests.Runtime.Hand;

namespace Hoist.Tests.Runtime;

/// <summary>Traps from hand-written code: the trap handler, the trap record, backtraces, stack overflow.</summary>
public class TrapTests
{
    [Fact]
    public void UnreachableTrapsWithTheSpecMessageAndABacktrace()
    {
        var m = new WasmModule();
        uint outer = m.AddFunc([], [], "outer");
        uint inner = m.AddFunc([], [], "inner");
        m.Export("outer", ExternKind.Func, outer);
        var engine = Engine(
            f =>
            {
                f.Prologue();
                f.Asm.SetSourceLocation(0x10);
                f.CallFunction(inner);
                f.Epilogue();
            },
            f =>
            {
                f.Prologue();
                f.Asm.SetSourceLocation(0x20);
                f.Asm.Trap(TrapCode.Unreachable);
                f.Epilogue();
            });
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var func = new Linker(engine).Instantiate(store, module).GetFunc("outer");

        for (int i = 0; i < 3; i++)   // the store is usable again after a trap
        {
            var e = Assert.Throws<TrapException>(() => func.Invoke());
            Assert.Equal(TrapCode.Unreachable, e.Code);
            Assert.Equal("unreachable", e.Message);
            Assert.Equal([new WasmFrame(inner, "inner", null, 0x20), new WasmFrame(outer, "outer", null, 0x10)], e.Backtrace);
            Assert.Equal(0x20, e.Location.Offset);
            Assert.False(store.IsRunning);
        }
    }

    [Fact]
    public void EveryTrapCodeOfAStubIsReported()
    {
        foreach (TrapCode code in Enum.GetValues<TrapCode>().Where(c => c != TrapCode.None))
        {
            var m = new WasmModule();
            m.Export("f", ExternKind.Func, m.AddFunc([I32], []));
            var engine = Engine(f =>
            {
                f.Prologue();
                f.Asm.Test(Width.W32, Gpr.Rdi, Gpr.Rdi);
                f.Asm.TrapIf(Cond.NotZero, code);
                f.Epilogue();
            });
            using var module = Module(engine, m);
            using var store = new Store(engine);
            var func = new Linker(engine).Instantiate(store, module).GetFunc("f");
            Assert.Empty(func.Invoke(0));
            var e = Assert.Throws<TrapException>(() => func.Invoke(1));
            Assert.Equal(code, e.Code);
            Assert.Equal(code.Message(), e.Message);
        }
    }

    [Fact]
    public void DynamicTrapCodeFromABuiltinWins()
    {
        // memory.fill out of bounds: the builtin records "out of bounds memory access"; the code's own stub says host error.
        var m = new WasmModule();
        m.Memories.Add(new MemoryType(new Limits(1, 1)));
        m.Export("fill", ExternKind.Func, m.AddFunc([I64], []));
        var engine = Engine(f =>
        {
            var a = f.Asm;
            f.Prologue();
            a.Mov(Width.W64, Gpr.Rdx, Gpr.Rdi);          // dst
            a.Xor(Width.W32, Gpr.Rsi, Gpr.Rsi);          // memory 0
            a.MovImm(Width.W32, Gpr.Rcx, 0xAB);          // value
            a.MovImm(Width.W64, Gpr.R8, 16);             // len
            f.CallBuiltin(BuiltinId.MemoryFill);
            a.Test(Width.W32, Gpr.Rax, Gpr.Rax);
            a.TrapIf(Cond.NotZero, TrapCode.HostError);
            f.Epilogue();
        });
        m.Export("mem", ExternKind.Memory, 0);
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);
        var fill = instance.GetFunc("fill");
        var memory = instance.GetMemory("mem");
        fill.Invoke(Value.I64(65536 - 16));
        Assert.All(memory.GetSpan(65536 - 16, 16).ToArray(), b => Assert.Equal(0xAB, b));
        Assert.Equal(0, memory.Read<byte>(65536 - 17));
        var e = Assert.Throws<TrapException>(() => fill.Invoke(Value.I64(65536 - 15)));
        Assert.Equal(TrapCode.MemoryOutOfBounds, e.Code);
        Assert.Equal("out of bounds memory access", e.Message);
        e = Assert.Throws<TrapException>(() => fill.Invoke(Value.I64(-1)));
        Assert.Equal(TrapCode.MemoryOutOfBounds, e.Code);
        // The recorded code does not leak into the next trap.
        Assert.Empty(fill.Invoke(Value.I64(0)));
    }

    /// <summary>A module with one recursive function that counts its depth in mutable global 0.</summary>
    static (Engine, WasmModule) Recursion(Config? config = null)
    {
        var m = new WasmModule();
        m.Globals.Add(new GlobalDef(new GlobalType(I64, true), new ConstExpr(new byte[] { 0x42, 0x00, 0x0B }, 0)));
        uint f = m.AddFunc([], [], "recurse");
        m.Export("recurse", ExternKind.Func, f);
        m.Export("depth", ExternKind.Global, 0);
        var engine = Engine(config ?? new Config(), h =>
        {
            h.Prologue(32);
            h.Asm.Add(Width.W64, Mem.At(Gpr.R14, h.Offsets.Global(0).Offset), 1);
            h.Asm.SetSourceLocation(0x33);
            h.CallFunction(f);
            h.Epilogue();
        });
        return (engine, m);
    }

    [Fact]
    public void DeepRecursionTrapsWithCallStackExhaustedAtADeterministicDepth()
    {
        var (engine, m) = Recursion();
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);
        var recurse = instance.GetFunc("recurse");
        var depth = instance.GetGlobal("depth");
        long first = -1;
        for (int i = 0; i < 1000; i++)
        {
            depth.Value = Value.I64(0);
            var e = Assert.Throws<TrapException>(() => recurse.Invoke());
            Assert.Equal(TrapCode.StackOverflow, e.Code);
            Assert.Equal("call stack exhausted", e.Message);
            Assert.True(e.IsExhaustion);
            long d = depth.Value.AsI64();
            if (first < 0) first = d;
            Assert.Equal(first, d);
            Assert.Equal(engine.Config.MaxBacktraceFrames, e.Backtrace.Count);
        }
        // 512 KiB of 64-byte frames (return address, rbp, r14, 32 bytes of locals, 8 of padding): 8,191 calls.
        Assert.InRange(first, 512 * 1024 / 64 - 2, 512 * 1024 / 64);
    }

    [Fact]
    public void MaxWasmStackSetsTheDepth()
    {
        var (engine, m) = Recursion(new Config { MaxWasmStack = 64 * 1024 });
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);
        Assert.Throws<TrapException>(() => instance.GetFunc("recurse").Invoke());
        Assert.InRange(instance.GetGlobal("depth").Value.AsI64(), 64 * 1024 / 64 - 2, 64 * 1024 / 64);
    }

    [Fact]
    public void ASmallThreadStackShrinksTheBudgetInsteadOfCrashing()
    {
        var (engine, m) = Recursion(new Config { MaxWasmStack = 4 << 20 });
        using var module = Module(engine, m);
        TrapException? trap = null;
        long depth = 0;
        long stackBytes = 0;
        var thread = new Thread(() =>
        {
            // glibc may hand a new thread a cached stack up to 4x the size asked for: the budget must follow the
            // stack the thread really has, so that is the bound to check against.
            unsafe
            {
                byte here;
                stackBytes = (long)&here - Hoist.Runtime.Native.ThreadStack.Low;
            }
            using var store = new Store(engine);
            var instance = new Linker(engine).Instantiate(store, module);
            try { instance.GetFunc("recurse").Invoke(); }
            catch (TrapException e) { trap = e; }
            depth = instance.GetGlobal("depth").Value.AsI64();
        }, 1 << 20);
        thread.Start();
        thread.Join();
        Assert.Equal(TrapCode.StackOverflow, trap?.Code);
        Assert.True(stackBytes >= (1 << 20) / 2, $"thread stack {stackBytes} bytes");
        Assert.InRange(depth, 1, Math.Min(stackBytes, 4L << 20) / 64);
    }
}
