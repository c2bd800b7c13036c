using Hoist.Isa.X64;
using Hoist.Runtime;
using Hoist.Tests.Validation;
using Hoist.Vm;
using Hoist.Wasm;
using static Hoist.Tests.Runtime.Hand;

namespace Hoist.Tests.Runtime;

/// <summary>Instantiation: constant expressions, tables, segments in the spec's order, start functions.</summary>
public class InstantiationTests
{
    static ConstExpr Const(Code c) => TestModules.Const(c.End());
    static readonly ValType FuncRef = ValType.FuncRef, ExternRef = ValType.ExternRef;

    /// <summary>A function body that returns the constant <paramref name="value"/>.</summary>
    static Action<HandFunction> Returns(int value) => f => { f.Prologue(); f.Asm.MovImm(Width.W32, Gpr.Rax, value); f.Epilogue(); };

    [Fact]
    public void GlobalsEvaluateConstantExpressionsInOrder()
    {
        var m = new WasmModule();
        m.Imports.Add(new Import("env", "base", ImportDesc.ForGlobal(new GlobalType(I32, false))));
        uint f = m.AddFunc([], [I32]);
        m.Globals.Add(new GlobalDef(new GlobalType(I32, false), Const(new Code().Op(Opcode.GlobalGet, 0).I32(5).Op(Opcode.I32Add))));
        m.Globals.Add(new GlobalDef(new GlobalType(I64, true), Const(new Code().I64(3).I64(-7).Op(Opcode.I64Mul))));
        m.Globals.Add(new GlobalDef(new GlobalType(F64, false), Const(new Code().F64(-1.5))));
        m.Globals.Add(new GlobalDef(new GlobalType(FuncRef, false), Const(new Code().Op(Opcode.RefFunc, f))));
        m.Globals.Add(new GlobalDef(new GlobalType(ExternRef, true), Const(new Code().Heap(Opcode.RefNull, HeapType.Extern))));
        m.Globals.Add(new GlobalDef(new GlobalType(I32, false), Const(new Code().Op(Opcode.GlobalGet, 1).I32(2).Op(Opcode.I32Mul).I32(1).Op(Opcode.I32Sub))));
        for (uint i = 0; i < 7; i++) m.Export("g" + i, ExternKind.Global, i);
        m.Export("f", ExternKind.Func, f);
        var engine = Engine(Returns(9));
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var linker = new Linker(engine).Define("env", "base", new Global(store, new GlobalType(I32, false), Value.I32(10)));
        var instance = linker.Instantiate(store, module);

        Assert.Equal(Value.I32(15), instance.GetGlobal("g1").Value);
        Assert.Equal(Value.I64(-21), instance.GetGlobal("g2").Value);
        Assert.Equal(Value.F64(-1.5), instance.GetGlobal("g3").Value);
        Assert.Same(instance.GetFunc("f"), instance.GetGlobal("g4").Value.AsFunc());
        Assert.Equal(9, instance.GetGlobal("g4").Value.AsFunc()!.Typed<int>()());
        Assert.True(instance.GetGlobal("g5").Value.IsNull);
        Assert.Equal(Value.I32(29), instance.GetGlobal("g6").Value);

        var g2 = instance.GetGlobal("g2");
        g2.Value = Value.I64(5);
        Assert.Equal(Value.I64(5), g2.Value);
        Assert.Throws<InvalidOperationException>(() => instance.GetGlobal("g1").Value = Value.I32(1));
        instance.GetGlobal("g5").Value = Value.ExternRef("hello");
        Assert.Equal("hello", instance.GetGlobal("g5").Value.AsExtern());
    }

    [Fact]
    public void TablesAndElementSegments()
    {
        var m = new WasmModule();
        m.Imports.Add(new Import("env", "offset", ImportDesc.ForGlobal(new GlobalType(I32, false))));
        uint f0 = m.AddFunc([], [I32]), f1 = m.AddFunc([], [I32]);
        m.Tables.Add(new TableDef(new TableType(FuncRef, new Limits(6, 10)), null));
        m.Tables.Add(new TableDef(new TableType(ValType.Ref(HeapType.Func, false), new Limits(3, null)), Const(new Code().Op(Opcode.RefFunc, f1))));
        m.Elements.Add(new ElementSegment(SegmentMode.Active, FuncRef, 0, Const(new Code().Op(Opcode.GlobalGet, 0)), [f0, f1, f0], null));
        m.Elements.Add(new ElementSegment(SegmentMode.Passive, FuncRef, 0, null, [f1], null));
        m.Elements.Add(new ElementSegment(SegmentMode.Active, FuncRef, 0, Const(new Code().I32(0)), null,
            [Const(new Code().Heap(Opcode.RefNull, HeapType.Func)), Const(new Code().Op(Opcode.RefFunc, f1))]));
        m.Elements.Add(new ElementSegment(SegmentMode.Declarative, FuncRef, 0, null, [f0], null));
        m.Export("t", ExternKind.Table, 0);
        m.Export("u", ExternKind.Table, 1);
        m.Export("f0", ExternKind.Func, f0);
        m.Export("f1", ExternKind.Func, f1);
        var engine = Engine(Returns(100), Returns(101));
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var linker = new Linker(engine).Define("env", "offset", new Global(store, new GlobalType(I32, false), Value.I32(3)));
        var instance = linker.Instantiate(store, module);
        Func a = instance.GetFunc("f0"), b = instance.GetFunc("f1");

        var t = instance.GetTable("t");
        Assert.Equal(6ul, t.Size);
        Assert.Equal([null, b, null, a, b, a], Enumerable.Range(0, 6).Select(i => t.Get((ulong)i).AsFunc()));
        Assert.Equal(101, t.Get(1).AsFunc()!.Typed<int>()());
        var u = instance.GetTable("u");
        Assert.All(Enumerable.Range(0, 3), i => Assert.Same(b, u.Get((ulong)i).AsFunc()));
        // Only the passive segment survives instantiation.
        Assert.Equal([0, 1, 0, 0], instance.ElementSegments.Select(s => s.Length));

        Assert.Equal(6, t.Grow(4, Value.FuncRef(a)));
        Assert.Equal(-1, t.Grow(1, Value.Null(FuncRef)));
        Assert.Same(a, t.Get(9).AsFunc());
        t.Set(0, Value.FuncRef(b));
        Assert.Same(b, t.Get(0).AsFunc());
        Assert.Throws<ArgumentException>(() => u.Set(0, Value.Null(FuncRef)));
        Assert.Throws<ArgumentOutOfRangeException>(() => t.Get(10));
    }

    [Fact]
    public void ActiveDataSegmentsAreWrittenInOrder()
    {
        var m = new WasmModule();
        m.Memories.Add(new MemoryType(new Limits(1, 2)));
        m.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().I32(8)), new byte[] { 1, 2, 3, 4 }));
        m.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[] { 9, 9 }));
        m.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().I32(10)), new byte[] { 5, 6 }));
        m.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().I32(65536)), Array.Empty<byte>()));
        m.Export("mem", ExternKind.Memory, 0);
        var engine = Engine();
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);
        var mem = instance.GetMemory("mem");
        Assert.Equal(new byte[] { 0, 1, 2, 5, 6, 0 }, mem.GetSpan(7, 6).ToArray());
        Assert.Equal([0, 2, 0, 0], instance.DataSegments.Select(d => d.Length));
        Assert.Equal(1ul, mem.Size);
        Assert.Equal(65536ul, mem.Length);
        Assert.Equal(1, mem.Grow(1));
        Assert.Equal(-1, mem.Grow(1));
        Assert.Equal(0, mem.Read<int>(65536 + 100));
        mem.Write(65536 + 100, 0x01020304);
        Assert.Equal(4, mem.Read<byte>(65536 + 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => mem.GetSpan(2 * 65536 - 3, 4));
    }

    [Fact]
    public void AnOutOfBoundsSegmentTrapsAndLeavesEarlierWritesInPlace()
    {
        var m = new WasmModule();
        m.Imports.Add(new Import("env", "mem", ImportDesc.ForMemory(new MemoryType(new Limits(1, null)))));
        m.Imports.Add(new Import("env", "tab", ImportDesc.ForTable(new TableType(FuncRef, new Limits(2, null)))));
        uint f = m.AddFunc([], [I32]);
        m.Elements.Add(new ElementSegment(SegmentMode.Active, FuncRef, 0, Const(new Code().I32(1)), [f], null));
        m.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().I32(0)), new byte[] { 7 }));
        m.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().I32(65535)), new byte[] { 1, 2 }));
        var engine = Engine(Returns(77));
        using var module = Module(engine, m);
        using var store = new Store(engine);
        var mem = new Memory(store, new MemoryType(new Limits(1, null)));
        var tab = new Table(store, new TableType(FuncRef, new Limits(2, null)), Value.Null(FuncRef));
        var linker = new Linker(engine).Define("env", "mem", mem).Define("env", "tab", tab);

        var e = Assert.Throws<TrapException>(() => linker.Instantiate(store, module));
        Assert.Equal(TrapCode.MemoryOutOfBounds, e.Code);
        Assert.Equal("out of bounds memory access", e.Message);
        Assert.Equal(7, mem.Read<byte>(0));
        Assert.Equal(0, mem.Read<byte>(65535));
        // The element segment before the data was applied, and its function stays callable.
        Assert.Equal(77, tab.Get(1).AsFunc()!.Typed<int>()());

        // An element segment out of bounds stops before the data segments.
        var m2 = new WasmModule();
        m2.Imports.Add(new Import("env", "mem", ImportDesc.ForMemory(new MemoryType(new Limits(1, null)))));
        m2.Imports.Add(new Import("env", "tab", ImportDesc.ForTable(new TableType(FuncRef, new Limits(2, null)))));
        uint g = m2.AddFunc([], [I32]);
        m2.Elements.Add(new ElementSegment(SegmentMode.Active, FuncRef, 0, Const(new Code().I32(0)), [g], null));
        m2.Elements.Add(new ElementSegment(SegmentMode.Active, FuncRef, 0, Const(new Code().I32(2)), [g], null));
        m2.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().I32(0)), new byte[] { 8 }));
        var engine2 = Engine(Returns(88));
        using var module2 = Module(engine2, m2);
        using var store2 = new Store(engine2);
        var mem2 = new Memory(store2, new MemoryType(new Limits(1, null)));
        var tab2 = new Table(store2, new TableType(FuncRef, new Limits(2, null)), Value.Null(FuncRef));
        e = Assert.Throws<TrapException>(() => new Linker(engine2).Define("env", "mem", mem2).Define("env", "tab", tab2).Instantiate(store2, module2));
        Assert.Equal(TrapCode.TableOutOfBounds, e.Code);
        Assert.Equal("out of bounds table access", e.Message);
        Assert.Equal(88, tab2.Get(0).AsFunc()!.Typed<int>()());
        Assert.Equal(0, mem2.Read<byte>(0));
    }

    [Fact]
    public void TheStartFunctionRunsLastAndItsTrapFailsInstantiation()
    {
        foreach (bool trap in (bool[])[false, true])
        {
            var m = new WasmModule();
            m.Memories.Add(new MemoryType(new Limits(1, null)));
            m.Data.Add(new DataSegment(SegmentMode.Active, 0, Const(new Code().I32(0)), new byte[] { 1 }));
            m.Start = m.AddFunc([], [], "start");
            var engine = Engine(f =>
            {
                f.Prologue();
                f.LoadMemory0(Gpr.Rax, Gpr.Rcx);
                f.Asm.Add(Width.W32, Mem.At(Gpr.Rax, 0), 41);   // the data segment was applied before
                if (trap) f.Asm.Trap(TrapCode.Unreachable);
                f.Epilogue();
            });
            m.Export("mem", ExternKind.Memory, 0);
            using var module = Module(engine, m);
            using var store = new Store(engine);
            if (trap)
            {
                var e = Assert.Throws<TrapException>(() => new Linker(engine).Instantiate(store, module));
                Assert.Equal("start", Assert.Single(e.Backtrace).FunctionName);
                Assert.Equal(42, store.Instances.Single().GetMemory("mem").Read<byte>(0));
            }
            else
            {
                Assert.Equal(42, new Linker(engine).Instantiate(store, module).GetMemory("mem").Read<byte>(0));
            }
        }
    }

    [Fact]
    public void InstancesShareImportedMemoriesTablesAndGlobals()
    {
        // Module A defines and exports; module B imports A's exports and reads them through its VMContext.
        var a = new WasmModule();
        a.Memories.Add(new MemoryType(new Limits(1, 3)));
        a.Globals.Add(new GlobalDef(new GlobalType(I64, true), Const(new Code().I64(5))));
        a.Export("mem", ExternKind.Memory, 0);
        a.Export("g", ExternKind.Global, 0);
        a.Export("ret7", ExternKind.Func, a.AddFunc([], [I32]));
        var b = new WasmModule();
        b.Imports.Add(new Import("a", "mem", ImportDesc.ForMemory(new MemoryType(new Limits(1, null)))));
        b.Imports.Add(new Import("a", "g", ImportDesc.ForGlobal(new GlobalType(I64, true))));
        uint ret7 = b.ImportFunc("a", "ret7", [], [I32]);
        b.Export("size", ExternKind.Func, b.AddFunc([], [I64]));   // memory length + global, read through imports
        b.Export("call", ExternKind.Func, b.AddFunc([], [I32]));
        b.Export("ret7", ExternKind.Func, ret7);
        // One engine for both: the hand compiler tells the modules apart by their function count.
        var engine = new Engine(new Config(), new DispatchingCompiler([
            Returns(7)], [
            f =>
            {
                f.Prologue();
                f.LoadMemory0(Gpr.Rdx, Gpr.Rax);
                var (indirect, offset) = f.Offsets.Global(0);
                Assert.True(indirect);
                f.Asm.Mov(Width.W64, Gpr.Rcx, Mem.At(Gpr.R14, offset));
                f.Asm.Add(Width.W64, Gpr.Rax, Mem.At(Gpr.Rcx, 0));
                f.Epilogue();
            },
            f => { f.Prologue(); f.CallImport(ret7); f.Epilogue(); }]));
        using var ma = Module(engine, a);
        using var mb = Module(engine, b);
        using var store = new Store(engine);
        var linker = new Linker(engine);
        var ia = linker.Instantiate(store, ma);
        linker.DefineInstance("a", ia);
        var ib = linker.Instantiate(store, mb);
        Assert.Equal(65536 + 5, ib.GetFunction<long>("size")());
        ia.GetGlobal("g").Value = Value.I64(6);
        ia.GetMemory("mem").Grow(1);
        Assert.Equal(2 * 65536 + 6, ib.GetFunction<long>("size")());
        Assert.Equal(7, ib.GetFunction<int>("call")());
        Assert.Same(ia.GetFunc("ret7"), ib.GetFunc("ret7"));
    }
}

/// <summary>A hand compiler for two modules, told apart by their number of defined functions.</summary>
sealed class DispatchingCompiler(Action<HandFunction>[] first, Action<HandFunction>[] second) : Hoist.Compiler.ICompiler
{
    public string Name => "hand";

    public Hoist.Compiler.CompiledModule Compile(Hoist.Compiler.CompileInput input) =>
        new HandCompiler(input.Module.Functions.Count == first.Length ? first : second).Compile(input);
}
