using Hoist.Optimizing;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.Translate;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>A function the interpreter can call: compiled wasm (with its IR) or a host function.</summary>
sealed class FuncObj
{
    public InterpInstance? Instance;
    public uint Index;
    public Function? Ir;
    /// <summary>Set when the function uses a proposal the optimizing compiler does not translate.</summary>
    public string? Unsupported;
    public Func<long[], long[]>? Host;
    public FuncType Type = null!;
    public int TypeId;
    public long CodeId;
    /// <summary>Address of its VMFuncRef record.</summary>
    public long FuncRef;
}

sealed class MemoryObj
{
    public AddressSpace.Segment Segment = null!;
    /// <summary>Address of its { base, length } record.</summary>
    public long Record;
    public MemoryType Type;
}

sealed class TableObj
{
    public AddressSpace.Segment Segment = null!;
    public long Record;
    public TableType Type;
}

/// <summary>A global cell (16 bytes) and its type.</summary>
sealed record GlobalObj(long Cell, GlobalType Type);

/// <summary>
/// Everything instances share in the interpreter: the emulated address space, the code ids that stand for
/// function addresses, the builtins table, the store context and the engine's type registry. The
/// VMContext of each instance is laid out exactly as <see cref="VmOffsets"/> says, so the IR runs unchanged.
/// </summary>
sealed class InterpStore
{
    public readonly AddressSpace Memory = new();
    public readonly TypeRegistry Registry = new();
    public readonly Dictionary<long, FuncObj> Functions = new();
    public readonly Dictionary<long, InterpInstance> InstancesByVmctx = new();
    public readonly long BuiltinsTable;
    public readonly long StoreContext;
    public const long BuiltinCodeBase = 0x6000_0000_0000;
    long _nextCode = 0x7000_0000_0000;

    /// <summary>Run the optimization pipeline on every function before interpreting it.</summary>
    public bool Optimize { get; init; }

    public InterpStore()
    {
        var table = Memory.Allocate(8 * Builtins.Count);
        for (int i = 0; i < Builtins.Count; i++) Memory.WriteI64(table.Base + 8 * i, BuiltinCodeBase + i);
        BuiltinsTable = table.Base;
        StoreContext = Memory.Allocate(VmStoreContext.Size).Base;
    }

    public long NewCodeId(FuncObj f)
    {
        long id = _nextCode;
        _nextCode += 16;
        Functions[id] = f;
        f.CodeId = id;
        return id;
    }

    public FuncObj HostFunction(FuncType type, Func<long[], long[]> body)
    {
        var f = new FuncObj { Host = body, Type = type, TypeId = CanonicalId(type) };
        NewCodeId(f);
        f.FuncRef = Memory.Allocate(VmFuncRef.Size).Base;
        Memory.WriteI64(f.FuncRef + VmFuncRef.Code, f.CodeId);
        Memory.WriteI64(f.FuncRef + VmFuncRef.TypeId, f.TypeId);
        return f;
    }

    /// <summary>The canonical id of a standalone function type (host functions).</summary>
    public int CanonicalId(FuncType type)
    {
        var ids = new int[1];
        Registry.CanonicalizeGroup([new SubType(true, [], type)], 0, 1, ids);
        return ids[0];
    }

    /// <summary>A memory whose { base, length } record is at <paramref name="record"/> (a VMContext's inline entry) or, when 0, standalone.</summary>
    public MemoryObj NewMemory(MemoryType type, long record = 0)
    {
        long bytes = (long)type.Limits.Min << type.Limits.PageSizeLog2;
        if (bytes > InterpInstance.MaxMemoryBytes) throw new SkipException("memory larger than the interpreter emulates");
        var m = new MemoryObj { Segment = Memory.Allocate(bytes), Type = type };
        m.Record = record != 0 ? record : Memory.Allocate(16).Base;
        Memory.WriteI64(m.Record + VmOffsets.MemoryBase, m.Segment.Base);
        Memory.WriteI64(m.Record + VmOffsets.MemoryLength, bytes);
        return m;
    }

    public TableObj NewTable(TableType type, long init, long record = 0)
    {
        if (type.Limits.Min > 10_000_000) throw new SkipException("table larger than the interpreter emulates");
        var t = new TableObj { Segment = Memory.Allocate((long)type.Limits.Min * 8), Type = type };
        for (ulong i = 0; i < type.Limits.Min; i++) Memory.WriteI64(t.Segment.Base + (long)i * 8, init);
        t.Record = record != 0 ? record : Memory.Allocate(16).Base;
        Memory.WriteI64(t.Record + VmOffsets.TableBase, t.Segment.Base);
        Memory.WriteI64(t.Record + VmOffsets.TableLength, (long)type.Limits.Min);
        return t;
    }

    public GlobalObj NewGlobal(GlobalType type, long value, long cell = 0)
    {
        var g = new GlobalObj(cell != 0 ? cell : Memory.Allocate(16).Base, type);
        Memory.WriteI64(g.Cell, value);
        return g;
    }

    /// <summary>Decodes, validates, translates (and optimizes) a module; functions outside the scope are marked, not fatal.</summary>
    public CompiledModule Compile(WasmModule module)
    {
        var ctx = ModuleValidator.ValidateModule(module, new ValidationOptions { Registry = Registry });
        var env = new ModuleEnvironment(ctx, new VmOffsets(module));
        var translator = new FunctionTranslator(env);
        var pipeline = new PassManager(PassManager.CreateDefault().Passes) { VerifyEachPass = true };
        var functions = new Function?[module.Code.Count];
        var unsupported = new string?[module.Code.Count];
        for (int i = 0; i < functions.Length; i++)
        {
            try
            {
                var f = translator.Translate(i);
                Verifier.Verify(f);
                if (Optimize) pipeline.Run(f);
                functions[i] = f;
            }
            catch (UnsupportedFeatureException e) { unsupported[i] = e.Message; }
        }
        return new CompiledModule(ctx, env.Offsets, functions, unsupported);
    }
}

sealed record CompiledModule(ModuleContext Context, VmOffsets Offsets, Function?[] Functions, string?[] Unsupported)
{
    public WasmModule Module => Context.Module;
}

/// <summary>The test cannot run in the interpreter (an unsupported proposal, an emulation limit): counted as skipped.</summary>
sealed class SkipException(string message) : Exception(message);

/// <summary>Instantiation failed to link (an unknown import): the script's later uses of the module are skipped.</summary>
sealed class LinkException(string message) : Exception(message);
