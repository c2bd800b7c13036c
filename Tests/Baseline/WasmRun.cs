using Hoist.Runtime;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Baseline;

/// <summary>A module from WAT, compiled by the baseline tier and instantiated in a store of its own.</summary>
sealed class WasmRun : IDisposable
{
    public Engine Engine { get; }
    public Store Store { get; }
    public Instance Instance { get; }

    public WasmRun(string wat, Config? config = null, Linker? linker = null, Store? store = null)
    {
        Engine = linker?.Engine ?? store?.Engine ?? new Engine(config ?? new Config { ParallelCompilation = false });
        Store = store ?? new Store(Engine);
        var module = Load(Engine, wat);
        Instance = linker is null ? Instance.Create(Store, module) : linker.Instantiate(Store, module);
    }

    public static Module Load(Engine engine, string wat)
    {
        var model = WatParser.ParseModule(wat);
        if (model.DataCount is null && model.Data.Count > 0) model.DataCount = (uint)model.Data.Count;
        return new Module(engine, ModuleEncoder.Encode(model));
    }

    public Value[] Call(string name, params Value[] args) => Instance.GetFunc(name).Invoke(args);

    public Value Call1(string name, params Value[] args) => Assert.Single(Call(name, args));

    public TrapException Trap(string name, params Value[] args) => Assert.Throws<TrapException>(() => Call(name, args));

    public void Dispose() => Store.Dispose();
}
