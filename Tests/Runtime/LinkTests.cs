using Hoist.Runtime;
using Hoist.Tests.Validation;
using Hoist.Wasm;
using static Hoist.Tests.Runtime.Hand;

namespace Hoist.Tests.Runtime;

/// <summary>Import resolution and matching, with the spec's link error messages.</summary>
public class LinkTests
{
    static readonly ValType FuncRef = ValType.FuncRef, ExternRef = ValType.ExternRef;

    static LinkException Unlinkable(Linker linker, Store store, WasmModule m)
    {
        using var module = Module(linker.Engine, m);
        return Assert.Throws<LinkException>(() => linker.Instantiate(store, module));
    }

    static void Links(Linker linker, Store store, WasmModule m)
    {
        using var module = Module(linker.Engine, m);
        linker.Instantiate(store, module);
    }

    static WasmModule Importing(ImportDesc desc)
    {
        var m = new WasmModule();
        m.Imports.Add(new Import("env", "x", desc));
        m.InvalidateIndexSpaces();
        return m;
    }

    static WasmModule ImportingFunc(ValType[] ps, ValType[] rs)
    {
        var m = new WasmModule();
        m.ImportFunc("env", "x", ps, rs);
        return m;
    }

    [Fact]
    public void AMissingImportIsUnknown()
    {
        var engine = Engine();
        using var store = new Store(engine);
        var e = Unlinkable(new Linker(engine), store, ImportingFunc([], []));
        Assert.StartsWith("unknown import", e.Message);
    }

    [Fact]
    public void FunctionsMatchByCanonicalType()
    {
        var engine = Engine();
        using var store = new Store(engine);
        var linker = new Linker(engine).DefineFunction("env", "x", (int a) => a);
        Links(linker, store, ImportingFunc([I32], [I32]));
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, ImportingFunc([I32], [])).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, ImportingFunc([I64], [I32])).Message);
        var global = new Global(store, new GlobalType(I32, false), Value.I32(1));
        Assert.StartsWith("incompatible import type", Unlinkable(new Linker(engine).Define("env", "x", global), store, ImportingFunc([I32], [I32])).Message);
    }

    [Fact]
    public void FunctionSubtypingUsesTheEngineRegistry()
    {
        // $t = (sub (func)), $u = (sub $t (func)): a function of type $u matches an import of $t, not the reverse.
        var engine = Engine(f => { f.Prologue(); f.Epilogue(); }, f => { f.Prologue(); f.Epilogue(); });
        var exporter = new WasmModule();
        uint t = exporter.AddType(new FuncType([], []), final: false);
        uint u = exporter.AddType(new FuncType([], []), final: false, t);
        exporter.Functions.Add(t); exporter.Code.Add(new FunctionBody([], new byte[] { 0x0B }, 0));
        exporter.Functions.Add(u); exporter.Code.Add(new FunctionBody([], new byte[] { 0x0B }, 0));
        exporter.InvalidateIndexSpaces();
        exporter.Export("ft", ExternKind.Func, 0);
        exporter.Export("fu", ExternKind.Func, 1);
        using var store = new Store(engine);
        using var module = Module(engine, exporter);
        var instance = new Linker(engine).Instantiate(store, module);

        WasmModule ImportingU()
        {
            var m = new WasmModule();
            uint t2 = m.AddType(new FuncType([], []), final: false);
            uint u2 = m.AddType(new FuncType([], []), final: false, t2);
            m.Imports.Add(new Import("env", "x", ImportDesc.ForFunc(u2)));
            m.InvalidateIndexSpaces();
            return m;
        }
        WasmModule ImportingT()
        {
            var m = new WasmModule();
            m.AddType(new FuncType([], []), final: false);
            m.Imports.Add(new Import("env", "x", ImportDesc.ForFunc(0)));
            m.InvalidateIndexSpaces();
            return m;
        }
        Links(new Linker(engine).Define("env", "x", instance.GetFunc("fu")), store, ImportingT());
        Links(new Linker(engine).Define("env", "x", instance.GetFunc("fu")), store, ImportingU());
        Links(new Linker(engine).Define("env", "x", instance.GetFunc("ft")), store, ImportingT());
        Assert.StartsWith("incompatible import type", Unlinkable(new Linker(engine).Define("env", "x", instance.GetFunc("ft")), store, ImportingU()).Message);
        // A final (func) type is a different type from the non-final one.
        Assert.StartsWith("incompatible import type", Unlinkable(new Linker(engine).Define("env", "x", instance.GetFunc("ft")), store, ImportingFunc([], [])).Message);
    }

    [Fact]
    public void MemoriesMatchByLimitsAndAddressType()
    {
        var engine = Engine();
        using var store = new Store(engine);
        var mem = new Memory(store, new MemoryType(new Limits(2, 4)));
        var linker = new Linker(engine).Define("env", "x", mem);
        WasmModule Import(Limits l) => Importing(ImportDesc.ForMemory(new MemoryType(l)));
        Links(linker, store, Import(new Limits(1, null)));
        Links(linker, store, Import(new Limits(2, 4)));
        Links(linker, store, Import(new Limits(0, 5)));
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import(new Limits(3, null))).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import(new Limits(1, 3))).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import(new Limits(1, null, Is64: true))).Message);
        // The current size counts, not the declared minimum.
        mem.Grow(1);
        Links(linker, store, Import(new Limits(3, null)));
        var unbounded = new Linker(engine).Define("env", "x", new Memory(store, new MemoryType(new Limits(1, null))));
        Assert.StartsWith("incompatible import type", Unlinkable(unbounded, store, Import(new Limits(1, 10))).Message);
    }

    [Fact]
    public void TablesMatchByElementTypeAndLimits()
    {
        var engine = Engine();
        using var store = new Store(engine);
        var table = new Table(store, new TableType(FuncRef, new Limits(10, 20)), Value.Null(FuncRef));
        var linker = new Linker(engine).Define("env", "x", table);
        WasmModule Import(ValType e, Limits l) => Importing(ImportDesc.ForTable(new TableType(e, l)));
        Links(linker, store, Import(FuncRef, new Limits(10, 20)));
        Links(linker, store, Import(FuncRef, new Limits(5, null)));
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import(ExternRef, new Limits(10, 20))).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import(FuncRef, new Limits(11, 20))).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import(FuncRef, new Limits(10, 15))).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import(FuncRef, new Limits(10, 20, Is64: true))).Message);
    }

    [Fact]
    public void GlobalsMatchByMutabilityAndType()
    {
        var engine = Engine();
        using var store = new Store(engine);
        var constant = new Linker(engine).Define("env", "x", new Global(store, new GlobalType(FuncRef, false), Value.Null(FuncRef)));
        var variable = new Linker(engine).Define("env", "x", new Global(store, new GlobalType(I32, true), Value.I32(0)));
        WasmModule Import(ValType t, bool mutable) => Importing(ImportDesc.ForGlobal(new GlobalType(t, mutable)));
        Links(constant, store, Import(FuncRef, false));
        Assert.StartsWith("incompatible import type", Unlinkable(constant, store, Import(FuncRef, true)).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(constant, store, Import(ValType.Ref(HeapType.Func, false), false)).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(constant, store, Import(ExternRef, false)).Message);
        Links(variable, store, Import(I32, true));
        Assert.StartsWith("incompatible import type", Unlinkable(variable, store, Import(I32, false)).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(variable, store, Import(I64, true)).Message);
    }

    [Fact]
    public void TagsMatchByType()
    {
        var engine = Engine();
        using var store = new Store(engine);
        var tag = new Tag(store, new FuncType([I32], []));
        var linker = new Linker(engine).Define("env", "x", tag);
        WasmModule Import(ValType[] ps)
        {
            var m = new WasmModule();
            uint type = m.AddFuncType(ps, []);
            m.Imports.Add(new Import("env", "x", ImportDesc.ForTag(new TagType(type))));
            m.Export("again", ExternKind.Tag, 0);
            m.InvalidateIndexSpaces();
            return m;
        }
        using var module = Module(engine, Import([I32]));
        Assert.Same(tag, linker.Instantiate(store, module).GetTag("again"));
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import([I64])).Message);
        Assert.StartsWith("incompatible import type", Unlinkable(linker, store, Import([])).Message);
    }

    [Fact]
    public void ExternsOfAnotherStoreAreRejected()
    {
        var engine = Engine();
        using var store = new Store(engine);
        using var other = new Store(engine);
        var linker = new Linker(engine).Define("env", "x", new Global(other, new GlobalType(I32, false), Value.I32(0)));
        using var module = Module(engine, Importing(ImportDesc.ForGlobal(new GlobalType(I32, false))));
        Assert.Throws<ArgumentException>(() => linker.Instantiate(store, module));
    }

    [Fact]
    public void ShadowingIsOptIn()
    {
        var engine = Engine();
        var linker = new Linker(engine).DefineFunction("env", "x", () => { });
        Assert.Throws<ArgumentException>(() => linker.DefineFunction("env", "x", () => { }));
        linker.AllowShadowing = true;
        linker.DefineFunction("env", "x", (int a) => { });
        using var store = new Store(engine);
        Links(linker, store, ImportingFunc([I32], []));
    }

    [Fact]
    public void OptimizingEngineCanBeCreated()
    {
        var engine = new Engine(new Config { Strategy = Strategy.Optimizing });
        Assert.Equal(Strategy.Optimizing, engine.Config.Strategy);
    }
}
