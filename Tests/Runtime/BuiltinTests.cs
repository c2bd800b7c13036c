using Hoist.Runtime;
using Hoist.Runtime.Builtins;
using Hoist.Tests.Validation;
using Hoist.Vm;
using Hoist.Wasm;
using static Hoist.Tests.Runtime.Hand;

namespace Hoist.Tests.Runtime;

/// <summary>The builtins, called through their native entry points as compiled code calls them.</summary>
public unsafe class BuiltinTests
{
    static readonly ValType FuncRef = ValType.FuncRef;

    static nint Entry(BuiltinId id) => BuiltinTable.EntryPoint((uint)id);

    static ulong MemoryGrow(Instance i, uint mem, ulong delta) =>
        ((delegate* unmanaged<nint, uint, ulong, ulong>)Entry(BuiltinId.MemoryGrow))(i.VmContext, mem, delta);
    static TrapCode MemoryFill(Instance i, uint mem, ulong dst, uint value, ulong len) =>
        (TrapCode)((delegate* unmanaged<nint, uint, ulong, uint, ulong, uint>)Entry(BuiltinId.MemoryFill))(i.VmContext, mem, dst, value, len);
    static TrapCode MemoryCopy(Instance i, uint dm, uint sm, ulong dst, ulong src, ulong len) =>
        (TrapCode)((delegate* unmanaged<nint, uint, uint, ulong, ulong, ulong, uint>)Entry(BuiltinId.MemoryCopy))(i.VmContext, dm, sm, dst, src, len);
    static TrapCode MemoryInit(Instance i, uint mem, uint data, ulong dst, uint src, uint len) =>
        (TrapCode)((delegate* unmanaged<nint, uint, uint, ulong, uint, uint, uint>)Entry(BuiltinId.MemoryInit))(i.VmContext, mem, data, dst, src, len);
    static void DataDrop(Instance i, uint data) => ((delegate* unmanaged<nint, uint, uint>)Entry(BuiltinId.DataDrop))(i.VmContext, data);
    static ulong TableGrow(Instance i, uint t, ulong init, ulong delta) =>
        ((delegate* unmanaged<nint, uint, ulong, ulong, ulong>)Entry(BuiltinId.TableGrow))(i.VmContext, t, init, delta);
    static TrapCode TableFill(Instance i, uint t, ulong dst, ulong value, ulong len) =>
        (TrapCode)((delegate* unmanaged<nint, uint, ulong, ulong, ulong, uint>)Entry(BuiltinId.TableFill))(i.VmContext, t, dst, value, len);
    static TrapCode TableCopy(Instance i, uint dt, uint st, ulong dst, ulong src, ulong len) =>
        (TrapCode)((delegate* unmanaged<nint, uint, uint, ulong, ulong, ulong, uint>)Entry(BuiltinId.TableCopy))(i.VmContext, dt, st, dst, src, len);
    static TrapCode TableInit(Instance i, uint t, uint elem, ulong dst, uint src, uint len) =>
        (TrapCode)((delegate* unmanaged<nint, uint, uint, ulong, uint, uint, uint>)Entry(BuiltinId.TableInit))(i.VmContext, t, elem, dst, src, len);
    static void ElemDrop(Instance i, uint elem) => ((delegate* unmanaged<nint, uint, uint>)Entry(BuiltinId.ElemDrop))(i.VmContext, elem);
    static uint IsSubtype(Instance i, uint expected, nint callee) =>
        ((delegate* unmanaged<nint, uint, nint, uint>)Entry(BuiltinId.IsSubtype))(i.VmContext, expected, callee);
    static TrapCode OutOfFuelOrEpoch(Instance i) => (TrapCode)((delegate* unmanaged<nint, uint>)Entry(BuiltinId.OutOfFuelOrEpoch))(i.VmContext);

    static TrapCode Recorded(Store s) => (TrapCode)(*(uint*)(s.Context + VmStoreContext.TrapCode));

    static Instance Instantiate(Store store, WasmModule m) =>
        new Linker(store.Engine).Instantiate(store, Module(store.Engine, m));

    [Fact]
    public void EveryBuiltinHasAnEntryPoint()
    {
        for (uint id = 0; id < Builtins.Count; id++) Assert.NotEqual(0, BuiltinTable.EntryPoint(id));
        Assert.Throws<InvalidOperationException>(() => BuiltinTable.EntryPoint(Builtins.Count));
    }

    [Fact]
    public void MemoryGrowRespectsTheMaximumAndTheReservation()
    {
        var engine = Engine(new Config { Memory64ReservationCap = 1 << 20 });
        using var store = new Store(engine);
        var m = new WasmModule();
        m.Memories.Add(new MemoryType(new Limits(1, 3)));
        m.Memories.Add(new MemoryType(new Limits(0, null)));
        m.Memories.Add(new MemoryType(new Limits(1, null, Is64: true)));
        m.Memories.Add(new MemoryType(new Limits(0, null, PageSizeLog2: 0)));
        var i = Instantiate(store, m);
        Assert.Equal(1ul, MemoryGrow(i, 0, 1));
        Assert.Equal(ulong.MaxValue, MemoryGrow(i, 0, 2));
        Assert.Equal(2ul, MemoryGrow(i, 0, 1));
        Assert.Equal(3ul, MemoryGrow(i, 0, 0));
        Assert.Equal(3ul * 65536, i.Memories[0].Length);
        Assert.Equal(ulong.MaxValue, MemoryGrow(i, 1, 65537));
        Assert.Equal(ulong.MaxValue, MemoryGrow(i, 1, ulong.MaxValue));
        Assert.Equal(0ul, MemoryGrow(i, 1, 2));
        // memory64: 1 MiB reserved = 16 pages.
        Assert.Equal(1ul, MemoryGrow(i, 2, 15));
        Assert.Equal(ulong.MaxValue, MemoryGrow(i, 2, 1));
        Assert.Equal(16ul, i.Memories[2].Size);
        Assert.Equal(ulong.MaxValue, MemoryGrow(i, 2, (1ul << 48) - 16));   // 2^64 bytes: no overflow to 0
        Assert.Equal(ulong.MaxValue, MemoryGrow(i, 2, ulong.MaxValue));
        Assert.Equal(16ul, i.Memories[2].Size);
        // 1-byte pages.
        Assert.Equal(0ul, MemoryGrow(i, 3, 3));
        Assert.Equal(3ul, i.Memories[3].Length);
        i.Memories[0].Write<long>(3 * 65536 - 8, -1);
    }

    [Fact]
    public void BulkMemoryOperationsCheckBoundsFirst()
    {
        var engine = Engine();
        using var store = new Store(engine);
        var m = new WasmModule();
        m.Memories.Add(new MemoryType(new Limits(1, null)));
        m.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[] { 1, 2, 3, 4, 5 }));
        var i = Instantiate(store, m);
        var mem = i.Memories[0];

        Assert.Equal(TrapCode.None, MemoryFill(i, 0, 10, 0x1FF, 4));
        Assert.Equal(new byte[] { 0, 0xFF, 0xFF, 0xFF, 0xFF, 0 }, mem.GetSpan(9, 6).ToArray());
        Assert.Equal(TrapCode.MemoryOutOfBounds, MemoryFill(i, 0, 65533, 1, 4));
        Assert.Equal(TrapCode.MemoryOutOfBounds, Recorded(store));
        Assert.Equal(0, mem.Read<byte>(65533));
        Assert.Equal(TrapCode.None, MemoryFill(i, 0, 65536, 1, 0));
        Assert.Equal(TrapCode.MemoryOutOfBounds, MemoryFill(i, 0, 65537, 1, 0));

        Assert.Equal(TrapCode.None, MemoryInit(i, 0, 0, 100, 1, 4));
        Assert.Equal(new byte[] { 2, 3, 4, 5 }, mem.GetSpan(100, 4).ToArray());
        Assert.Equal(TrapCode.DataSegmentOutOfBounds, MemoryInit(i, 0, 0, 100, 2, 4));
        Assert.Equal(TrapCode.MemoryOutOfBounds, MemoryInit(i, 0, 0, 65535, 0, 2));
        // Overlapping copies in both directions behave as if through a temporary buffer.
        Assert.Equal(TrapCode.None, MemoryCopy(i, 0, 0, 101, 100, 4));
        Assert.Equal(new byte[] { 2, 2, 3, 4, 5 }, mem.GetSpan(100, 5).ToArray());
        Assert.Equal(TrapCode.None, MemoryCopy(i, 0, 0, 100, 101, 4));
        Assert.Equal(new byte[] { 2, 3, 4, 5, 5 }, mem.GetSpan(100, 5).ToArray());
        Assert.Equal(TrapCode.MemoryOutOfBounds, MemoryCopy(i, 0, 0, 0, ulong.MaxValue, 2));

        DataDrop(i, 0);
        Assert.Equal(TrapCode.None, MemoryInit(i, 0, 0, 0, 0, 0));
        Assert.Equal(TrapCode.DataSegmentOutOfBounds, MemoryInit(i, 0, 0, 0, 0, 1));
        Assert.Equal(TrapCode.DataSegmentOutOfBounds.Message(), TrapCode.MemoryOutOfBounds.Message());
    }

    [Fact]
    public void TableOperations()
    {
        var engine = Engine(f => { f.Prologue(); f.Epilogue(); }, f => { f.Prologue(); f.Epilogue(); });
        using var store = new Store(engine);
        var m = new WasmModule();
        uint a = m.AddFunc([], []), b = m.AddFunc([], []);
        m.Tables.Add(new TableDef(new TableType(FuncRef, new Limits(4, 8)), null));
        m.Elements.Add(new ElementSegment(SegmentMode.Passive, FuncRef, 0, null, [a, b, a], null));
        var i = Instantiate(store, m);
        var t = i.Tables[0];
        ulong fa = (ulong)i.FuncRefOf(a), fb = (ulong)i.FuncRefOf(b);

        Assert.Equal(4ul, TableGrow(i, 0, fa, 2));
        Assert.Equal(ulong.MaxValue, TableGrow(i, 0, fa, 3));
        Assert.Equal(6ul, t.Size);
        Assert.Equal([0ul, 0, 0, 0, fa, fa], t.Elements.ToArray());
        Assert.Equal(TrapCode.None, TableFill(i, 0, 1, fb, 2));
        Assert.Equal(TrapCode.TableOutOfBounds, TableFill(i, 0, 5, fb, 2));
        Assert.Equal([0ul, fb, fb, 0, fa, fa], t.Elements.ToArray());
        Assert.Equal(TrapCode.None, TableCopy(i, 0, 0, 2, 1, 3));
        Assert.Equal([0ul, fb, fb, fb, 0, fa], t.Elements.ToArray());
        Assert.Equal(TrapCode.TableOutOfBounds, TableCopy(i, 0, 0, 4, 0, 3));
        Assert.Equal(TrapCode.None, TableInit(i, 0, 0, 0, 1, 2));
        Assert.Equal([fb, fa, fb, fb, 0, fa], t.Elements.ToArray());
        Assert.Equal(TrapCode.ElementSegmentOutOfBounds, TableInit(i, 0, 0, 0, 2, 2));
        Assert.Equal(TrapCode.TableOutOfBounds, TableInit(i, 0, 0, 5, 0, 2));
        ElemDrop(i, 0);
        Assert.Equal(TrapCode.ElementSegmentOutOfBounds, TableInit(i, 0, 0, 0, 0, 1));
        Assert.Equal(TrapCode.None, TableInit(i, 0, 0, 6, 0, 0));
        Assert.Same(i.Function(b), t.Get(0).AsFunc());
    }

    [Fact]
    public void IsSubtypeComparesCanonicalTypes()
    {
        var engine = Engine(f => { f.Prologue(); f.Epilogue(); }, f => { f.Prologue(); f.Epilogue(); });
        using var store = new Store(engine);
        var m = new WasmModule();
        uint t = m.AddType(new FuncType([], []), final: false);
        uint u = m.AddType(new FuncType([], []), final: false, t);
        m.Functions.Add(t); m.Code.Add(new FunctionBody([], new byte[] { 0x0B }, 0));
        m.Functions.Add(u); m.Code.Add(new FunctionBody([], new byte[] { 0x0B }, 0));
        m.InvalidateIndexSpaces();
        var i = Instantiate(store, m);
        uint tid = (uint)i.Module.CanonicalTypeIds[t], uid = (uint)i.Module.CanonicalTypeIds[u];
        Assert.Equal(1u, IsSubtype(i, tid, i.FuncRefOf(1)));
        Assert.Equal(1u, IsSubtype(i, uid, i.FuncRefOf(1)));
        Assert.Equal(0u, IsSubtype(i, uid, i.FuncRefOf(0)));
    }

    [Fact]
    public void FuelAndEpochs()
    {
        var engine = Engine(new Config { ConsumeFuel = true, EpochInterruption = true });
        using var store = new Store(engine);
        var i = Instantiate(store, new WasmModule());
        store.Fuel = 10;
        store.SetEpochDeadline(2);
        Assert.Equal(TrapCode.None, OutOfFuelOrEpoch(i));
        store.Fuel = -1;
        Assert.Equal(TrapCode.OutOfFuel, OutOfFuelOrEpoch(i));
        store.Fuel = 0;
        engine.IncrementEpoch();
        Assert.Equal(TrapCode.None, OutOfFuelOrEpoch(i));
        engine.IncrementEpoch();
        Assert.Equal(TrapCode.Interrupted, OutOfFuelOrEpoch(i));
        Assert.Equal(TrapCode.Interrupted, Recorded(store));
        Assert.Equal(2ul, engine.Epoch);
    }

    [Fact]
    public void AnUnexpectedExceptionBecomesAHostErrorTrap()
    {
        var engine = Engine();
        using var store = new Store(engine);
        var m = new WasmModule();
        m.Memories.Add(new MemoryType(new Limits(1, null)));
        var i = Instantiate(store, m);
        Assert.Equal(TrapCode.HostError, MemoryFill(i, 7, 0, 0, 1));   // no memory 7: a compiler bug, not a crash
        Assert.IsType<IndexOutOfRangeException>(store.PendingHostException);
        Assert.Equal(TrapCode.HostError, Recorded(store));
    }
}
