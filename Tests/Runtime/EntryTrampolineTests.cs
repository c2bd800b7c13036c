using Hoist.Isa.X64;
using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm;
using static Hoist.Tests.Runtime.Hand;

namespace Hoist.Tests.Runtime;

/// <summary>The entry trampoline with hand-written functions: arguments and results in every ABI location.</summary>
public class EntryTrampolineTests
{
    [Fact]
    public void AddsTwoIntegers()
    {
        var m = new WasmModule();
        m.Export("add", ExternKind.Func, m.AddFunc([I32, I32], [I32]));
        var engine = Engine(f =>
        {
            f.Prologue();
            f.Asm.Lea(Width.W32, Gpr.Rax, Mem.At(Gpr.Rdi, Gpr.Rsi, 1));
            f.Epilogue();
        });
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);

        Assert.Equal(Value.I32(5), instance.GetFunc("add").Invoke(2, 3).Single());
        var add = instance.GetFunction<int, int, int>("add");
        Assert.Equal(-1, add(int.MaxValue, int.MinValue));
        Assert.Equal(42, add(40, 2));
    }

    [Fact]
    public void PassesStackArgumentsAndReturnsThroughTheReturnArea()
    {
        // (8 x i64, 10 x f64) -> (i64, f64, i64, f64, f32, i32): results 0 and 1 in rax/xmm0, the rest in the
        // return area. Two i64 and two f64 arguments arrive on the stack.
        ValType[] ps = [.. Enumerable.Repeat(I64, 8), .. Enumerable.Repeat(F64, 10)];
        ValType[] rs = [I64, F64, I64, F64, F32, I32];
        var sig = AbiSignature.Of(ps, rs);
        Assert.Equal(32, sig.StackArgsSize);
        Assert.Equal(32, sig.ReturnAreaSize);
        var m = new WasmModule();
        m.Export("f", ExternKind.Func, m.AddFunc(ps, rs));
        var engine = Engine(f =>
        {
            var a = f.Asm;
            f.Prologue();
            // rax = sum of the 8 integer arguments.
            a.Mov(Width.W64, Gpr.Rax, Gpr.Rdi);
            foreach (var r in (Gpr[])[Gpr.Rsi, Gpr.Rdx, Gpr.Rcx, Gpr.R8, Gpr.R9]) a.Add(Width.W64, Gpr.Rax, r);
            a.Add(Width.W64, Gpr.Rax, Mem.At(Gpr.Rbp, 16 + sig.Params[6].Offset));
            a.Add(Width.W64, Gpr.Rax, Mem.At(Gpr.Rbp, 16 + sig.Params[7].Offset));
            // xmm0 = sum of the 10 float arguments.
            for (int i = 1; i < 8; i++) a.Sse(SseOp.Addsd, Xmm.Xmm0, (Xmm)i);
            a.Sse(SseOp.Addsd, Xmm.Xmm0, Mem.At(Gpr.Rbp, 16 + sig.Params[16].Offset));
            a.Sse(SseOp.Addsd, Xmm.Xmm0, Mem.At(Gpr.Rbp, 16 + sig.Params[17].Offset));
            // Return area: rax * 2, xmm0 * 2 (via the stack), 1.5f, -7.
            a.Lea(Width.W64, Gpr.Rcx, Mem.At(Gpr.Rax, Gpr.Rax, 1));
            a.Mov(Width.W64, Mem.At(Gpr.Rbp, 16 + sig.Results[2].Offset), Gpr.Rcx);
            a.Movsd(Xmm.Xmm1, Xmm.Xmm0);
            a.Sse(SseOp.Addsd, Xmm.Xmm1, Xmm.Xmm0);
            a.Movsd(Mem.At(Gpr.Rbp, 16 + sig.Results[3].Offset), Xmm.Xmm1);
            a.MovImm(Width.W32, Mem.At(Gpr.Rbp, 16 + sig.Results[4].Offset), (int)BitConverter.SingleToUInt32Bits(1.5f));
            a.MovImm(Width.W32, Mem.At(Gpr.Rbp, 16 + sig.Results[5].Offset), -7);
            f.Epilogue(sig.StackArgsSize);
        });
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);

        Value[] args = [.. Enumerable.Range(1, 8).Select(i => Value.I64(i * 1000L)), .. Enumerable.Range(1, 10).Select(i => Value.F64(i * 0.5))];
        Value[] results = instance.GetFunc("f").Invoke(args);
        Assert.Equal([Value.I64(36000), Value.F64(27.5), Value.I64(72000), Value.F64(55), Value.F32(1.5f), Value.I32(-7)], results);
    }

    [Fact]
    public void KeepsNanPayloadsAndAllBits()
    {
        var m = new WasmModule();
        m.Export("id", ExternKind.Func, m.AddFunc([F32, F64, I64], [F32, F64, I64]));
        var sig = AbiSignature.Of([F32, F64, I64], [F32, F64, I64]);
        var engine = Engine(f =>
        {
            var a = f.Asm;
            f.Prologue();
            // xmm0 is the f32 argument and result; the f64 result goes to the return area; rdi -> rax.
            a.Movsd(Mem.At(Gpr.Rbp, 16 + sig.Results[1].Offset), Xmm.Xmm1);
            a.Mov(Width.W64, Gpr.Rax, Gpr.Rdi);
            f.Epilogue();
        });
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var id = new Linker(engine).Instantiate(store, module).GetFunc("id");
        Value[] args = [Value.F32Bits(0x7FA0_0001), Value.F64Bits(0xFFF4_0000_0000_0001), Value.I64(long.MinValue)];
        Assert.Equal(args, id.Invoke(args));
    }

    [Fact]
    public void ChecksArgumentTypes()
    {
        var m = new WasmModule();
        m.Export("f", ExternKind.Func, m.AddFunc([I32], []));
        var engine = Engine(f => { f.Prologue(); f.Epilogue(); });
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var func = new Linker(engine).Instantiate(store, module).GetFunc("f");
        Assert.Throws<ArgumentException>(() => func.Invoke());
        Assert.Throws<ArgumentException>(() => func.Invoke(Value.I64(1)));
        Assert.Throws<ArgumentException>(() => func.Typed<long, int>());
        Assert.Empty(func.Invoke(7));
    }
}
