using Hoist.Isa.X64;
using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using static Hoist.Tests.Runtime.Hand;

namespace Hoist.Tests.Runtime;

/// <summary>Host functions called from wasm: every value type both ways, failures, re-entry.</summary>
public class HostFunctionTests
{
    static readonly ValType FuncRef = ValType.FuncRef, ExternRef = ValType.ExternRef, V128 = ValType.V128;

    /// <summary>A module importing env::f of <paramref name="type"/> and exporting "call", which forwards to it.</summary>
    static (Engine, WasmModule) ForwardingModule(FuncType type, params Action<HandFunction>[] more)
    {
        var m = new WasmModule();
        uint import = m.ImportFunc("env", "f", type.Params, type.Results);
        m.Export("call", ExternKind.Func, m.AddFunc(type.Params, type.Results, "call"));
        Action<HandFunction>[] bodies = [Forwarder.To(import, type), .. more];
        return (Engine(bodies), m);
    }

    [Fact]
    public void ArgumentsAndResultsOfEveryTypeCrossInBothDirections()
    {
        // Enough of each class to use every register and the stack, and results in the return area.
        ValType[] ps = [I32, I64, F32, F64, FuncRef, ExternRef, V128, .. Enumerable.Repeat(I64, 6), .. Enumerable.Repeat(F64, 7), V128, I32];
        ValType[] rs = [F64, I32, I64, F32, ExternRef, FuncRef, V128, I64, F64];
        var type = new FuncType(ps, rs);
        var (engine, m) = ForwardingModule(type);
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var marker = new object();
        Value[]? seen = null;
        var linker = new Linker(engine).DefineFunction("env", "f", type, args =>
        {
            seen = args;
            return [Value.F64(args[3].AsF64() * 2), Value.I32(args[0].AsI32() + 1), Value.I64(args[1].AsI64() - 1),
                Value.F32(args[2].AsF32() / 2), args[5], args[4], args[6], args[12], args[19]];
        });
        var instance = linker.Instantiate(store, module);
        var call = instance.GetFunc("call");
        Value[] input =
        [
            Value.I32(-5), Value.I64(1L << 40), Value.F32(3.5f), Value.F64(-0.25), Value.FuncRef(call), Value.ExternRef(marker),
            Value.V128(new V128(0x0123456789ABCDEF, 0xFEDCBA9876543210)),
            .. Enumerable.Range(0, 6).Select(i => Value.I64(100 + i)), .. Enumerable.Range(0, 7).Select(i => Value.F64(i + 0.5)),
            Value.V128(new V128(7, 9)), Value.I32(77),
        ];
        Value[] results = call.Invoke(input);
        Assert.Equal(input, seen);
        Assert.Equal([Value.F64(-0.5), Value.I32(-4), Value.I64((1L << 40) - 1), Value.F32(1.75f), Value.ExternRef(marker), Value.FuncRef(call),
            Value.V128(new V128(0x0123456789ABCDEF, 0xFEDCBA9876543210)), Value.I64(105), Value.F64(6.5)], results);
        Assert.Same(marker, results[4].AsExtern());
        Assert.Same(call, results[5].AsFunc());
    }

    [Fact]
    public void NullReferencesCross()
    {
        var type = new FuncType([FuncRef, ExternRef], [ExternRef, FuncRef]);
        var (engine, m) = ForwardingModule(type);
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var linker = new Linker(engine).DefineFunction("env", "f", type, args => [args[1], args[0]]);
        var results = linker.Instantiate(store, module).GetFunc("call").Invoke(Value.Null(FuncRef), Value.Null(ExternRef));
        Assert.True(results[0].IsNull);
        Assert.True(results[1].IsNull);
        Assert.Null(results[1].AsFunc());
    }

    [Fact]
    public void TypedHostFunctionsNeedNoValueArrays()
    {
        var type = new FuncType([I32, I64, F32, F64], [F64]);
        var (engine, m) = ForwardingModule(type);
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var linker = new Linker(engine).DefineFunction("env", "f", (int a, long b, float c, double d) => a + b + c + d);
        var call = linker.Instantiate(store, module).GetFunction<int, long, float, double, double>("call");
        Assert.Equal(1 + 2 + 0.5 + 0.25, call(1, 2, 0.5f, 0.25));
    }

    [Fact]
    public void AllTypedShapesMatchTheirWasmTypes()
    {
        var engine = new Engine();
        using var store = new Store(engine);
        Assert.Equal(new FuncType([], []).ToString(), Func.Wrap(store, () => { }).Type.ToString());
        Assert.Equal(new FuncType([I32, ValType.I64, F32], [FuncRef]).ToString(),
            Func.Wrap(store, (uint a, ulong b, float c) => (Func?)null!).Type.ToString());
        Assert.Equal(new FuncType([ExternRef, V128], [I32]).ToString(), Func.Wrap(store, (object o, V128 v) => 1).Type.ToString());
        Assert.Throws<NotSupportedException>(() => Func.Wrap(store, (string s) => 1));
        // Host functions called from .NET go through the same trampolines.
        Assert.Equal(7, Func.Wrap(store, (int a, int b) => a + b).Typed<int, int, int>()(3, 4));
    }

    [Fact]
    public void AThrowingHostFunctionTrapsAndKeepsTheCause()
    {
        var type = new FuncType([I32], [I32]);
        var (engine, m) = ForwardingModule(type);
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var boom = new InvalidOperationException("boom");
        var linker = new Linker(engine).DefineFunction("env", "f", (int x) => x == 0 ? throw boom : x * 10);
        var call = linker.Instantiate(store, module).GetFunction<int, int>("call");
        for (int i = 0; i < 100; i++)
        {
            var e = Assert.Throws<TrapException>(() => call(0));
            Assert.Equal(TrapCode.HostError, e.Code);
            Assert.Same(boom, e.InnerException);
            Assert.Equal("call", Assert.Single(e.Backtrace).FunctionName);
            Assert.Equal(0x40, e.Backtrace[0].WasmOffset);
            Assert.Equal(50, call(5));   // the process and the store go on
        }
    }

    [Fact]
    public void AHostFunctionMayTrapWithASpecificCode()
    {
        var type = new FuncType([], []);
        var (engine, m) = ForwardingModule(type);
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var linker = new Linker(engine).DefineFunction("env", "f", () => throw new TrapException(TrapCode.OutOfFuel));
        var e = Assert.Throws<TrapException>(() => linker.Instantiate(store, module).GetAction("call")());
        Assert.Equal(TrapCode.OutOfFuel, e.Code);
        Assert.Equal("all fuel consumed", e.Message);
        Assert.Equal("call", Assert.Single(e.Backtrace).FunctionName);
    }

    [Fact]
    public void HostResultsOfTheWrongTypeTrap()
    {
        var type = new FuncType([], [I32]);
        var (engine, m) = ForwardingModule(type);
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var linker = new Linker(engine).DefineFunction("env", "f", type, _ => [Value.I64(1)]);
        var e = Assert.Throws<TrapException>(() => linker.Instantiate(store, module).GetFunc("call").Invoke());
        Assert.Equal(TrapCode.HostError, e.Code);
        Assert.IsType<ArgumentException>(e.InnerException);
    }

    [Fact]
    public void ReentryNestsAndUnwinds()
    {
        // call(n) -> host f(n) -> if n > 0: call(n - 1) + 1, at n == 0 optionally trapping in "boom".
        var type = new FuncType([I32], [I32]);
        var (engine, m) = ForwardingModule(type, f => { f.Prologue(); f.Asm.SetSourceLocation(0x99); f.Asm.Trap(TrapCode.Unreachable); f.Epilogue(); });
        m.Export("boom", ExternKind.Func, m.AddFunc([], [], "boom"));
        using var module = Module(engine, m);
        using var store = new Store(engine);
        Func<int, int>? call = null;
        Action? boom = null;
        bool trapAtBottom = false;
        var linker = new Linker(engine).DefineFunction("env", "f", (int n) =>
        {
            if (n > 0) return call!(n - 1) + 1;
            if (trapAtBottom) boom!();
            return 1000;
        });
        var instance = linker.Instantiate(store, module);
        call = instance.GetFunction<int, int>("call");
        boom = instance.GetAction("boom");

        Assert.Equal(1050, call(50));
        trapAtBottom = true;
        var e = Assert.Throws<TrapException>(() => call(3));
        Assert.Equal(TrapCode.Unreachable, e.Code);
        Assert.Null(e.InnerException);
        // The innermost trap's frames first, then those of each enclosing entry.
        Assert.Equal(["boom", "call", "call", "call", "call"], e.Backtrace.Select(f => f.FunctionName));
        trapAtBottom = false;
        Assert.Equal(1003, call(3));
        Assert.False(store.IsRunning);
    }

    [Fact]
    public void AHostFunctionMayCatchATrapOfNestedWasm()
    {
        var type = new FuncType([], [I32]);
        var (engine, m) = ForwardingModule(type, f => { f.Prologue(); f.Asm.Trap(TrapCode.IntegerDivideByZero); f.Epilogue(); });
        m.Export("boom", ExternKind.Func, m.AddFunc([], [], "boom"));
        using var module = Module(engine, m);
        using var store = new Store(engine);
        Action? boom = null;
        var linker = new Linker(engine).DefineFunction("env", "f", () =>
        {
            try { boom!(); return 0; }
            catch (TrapException e) { return (int)e.Code; }
        });
        var instance = linker.Instantiate(store, module);
        boom = instance.GetAction("boom");
        Assert.Equal((int)TrapCode.IntegerDivideByZero, instance.GetFunction<int>("call")());
    }

    [Fact]
    public void StackExhaustionInNestedWasmKeepsTheOuterLimit()
    {
        // call() -> host -> recurse (overflows) ; the trap crosses the host function.
        var type = new FuncType([], []);
        var m = new WasmModule();
        uint import = m.ImportFunc("env", "f", [], []);
        m.Export("call", ExternKind.Func, m.AddFunc([], [], "call"));
        uint recurse = m.AddFunc([], [], "recurse");
        m.Export("recurse", ExternKind.Func, recurse);
        var engine = Engine(Forwarder.To(import, type), f => { f.Prologue(32); f.CallFunction(recurse); f.Epilogue(); });
        using var module = Module(engine, m);
        using var store = new Store(engine);
        Action? rec = null;
        var linker = new Linker(engine).DefineFunction("env", "f", () => rec!());
        var instance = linker.Instantiate(store, module);
        rec = instance.GetAction("recurse");
        for (int i = 0; i < 50; i++)
        {
            var e = Assert.Throws<TrapException>(() => instance.GetAction("call")());
            Assert.Equal(TrapCode.StackOverflow, e.Code);
            e = Assert.Throws<TrapException>(() => rec());
            Assert.Equal(TrapCode.StackOverflow, e.Code);
        }
    }
}
