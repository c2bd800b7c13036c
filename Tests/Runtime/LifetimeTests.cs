using Hoist.Runtime;
using Hoist.Runtime.Linking;
using Hoist.Wasm;

namespace Hoist.Tests.Runtime;

/// <summary>Who frees what, and when: stores own their objects, code lives while a module or an instance needs it.</summary>
public class LifetimeTests
{
    const string Wat = """
        (module
          (memory (export "mem") 1)
          (table (export "tab") 1 funcref)
          (global (export "g") (mut i32) (i32.const 1))
          (func (export "f") (result i32) (i32.const 5)))
        """;

    [Fact]
    public void CodeOutlivesTheModuleWhileAnInstanceUsesIt()
    {
        var engine = new Engine();
        var module = Module.FromText(engine, Wat);
        nint code = module.Code.Base;
        var store = new Store(engine);
        var f = new Linker(engine).Instantiate(store, module).GetFunction<int>("f");
        module.Dispose();
        Assert.NotNull(CodeRegistry.Find(code));
        Assert.Equal(5, f());
        Assert.Throws<ObjectDisposedException>(() => new Linker(engine).Instantiate(store, module));
        store.Dispose();
        Assert.Null(CodeRegistry.Find(code));
        module.Dispose();   // idempotent
    }

    [Fact]
    public void ADisposedStoreRefusesEveryAccess()
    {
        var engine = new Engine();
        using var module = Module.FromText(engine, Wat);
        var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, module);
        var (mem, tab, g, f) = (instance.GetMemory("mem"), instance.GetTable("tab"), instance.GetGlobal("g"), instance.GetFunc("f"));
        store.Dispose();
        store.Dispose();
        Assert.Throws<ObjectDisposedException>(() => mem.Length);
        Assert.Throws<ObjectDisposedException>(() => mem.Grow(1));
        Assert.Throws<ObjectDisposedException>(() => tab.Size);
        Assert.Throws<ObjectDisposedException>(() => g.Value);
        Assert.Throws<ObjectDisposedException>(() => f.Invoke());
        Assert.Throws<ObjectDisposedException>(() => store.Fuel);
        Assert.Throws<ObjectDisposedException>(() => new Linker(engine).Instantiate(store, module));
    }

    [Fact]
    public void AStoreCannotBeDisposedFromInsideItsOwnCode()
    {
        var engine = new Engine();
        using var module = Module.FromText(engine, """(module (import "env" "h" (func $h)) (func (export "run") (call $h)))""");
        var store = new Store(engine);
        var linker = new Linker(engine).DefineFunction("env", "h", () => store.Dispose());
        var e = Assert.Throws<TrapException>(() => linker.Instantiate(store, module).GetAction("run")());
        Assert.IsType<InvalidOperationException>(e.InnerException);
        store.Dispose();
    }

    [Fact]
    public void ExternsWorkOnlyWithTheirOwnStore()
    {
        var engine = new Engine();
        using var module = Module.FromText(engine, """(module (func (export "id") (param funcref) (result funcref) (local.get 0)))""");
        using var a = new Store(engine);
        using var b = new Store(engine);
        var idA = new Linker(engine).Instantiate(a, module).GetFunc("id");
        var idB = new Linker(engine).Instantiate(b, module).GetFunc("id");
        Assert.Same(idA, idA.Invoke(Value.FuncRef(idA))[0].AsFunc());
        Assert.Throws<ArgumentException>(() => idA.Invoke(Value.FuncRef(idB)));
        Assert.Throws<ArgumentException>(() => new Linker(new Engine()).Define("x", "y", idA));
    }
}
