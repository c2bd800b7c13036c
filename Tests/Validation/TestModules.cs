using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Validation;

/// <summary>Writes instruction sequences for tests: opcodes with their immediates in binary form.</summary>
sealed class Code
{
    readonly WasmWriter _w = new();

    public byte[] Bytes => _w.ToArray();
    public WasmWriter Writer => _w;

    public Code Op(Opcode op) { _w.Opcode(op); return this; }
    public Code Op(Opcode op, uint index) { _w.Opcode(op); _w.U32(index); return this; }
    public Code Op(Opcode op, uint a, uint b) { _w.Opcode(op); _w.U32(a); _w.U32(b); return this; }
    public Code I32(int v) { _w.Opcode(Opcode.I32Const); _w.S32(v); return this; }
    public Code I64(long v) { _w.Opcode(Opcode.I64Const); _w.S64(v); return this; }
    public Code F32(float v) { _w.Opcode(Opcode.F32Const); _w.F32Bits(BitConverter.SingleToUInt32Bits(v)); return this; }
    public Code F64(double v) { _w.Opcode(Opcode.F64Const); _w.F64Bits(BitConverter.DoubleToUInt64Bits(v)); return this; }
    public Code V128() { _w.Opcode(Opcode.V128Const); for (int i = 0; i < 16; i++) _w.Byte(0); return this; }
    public Code End() => Op(Opcode.End);
    public Code Raw(params byte[] bytes) { _w.Bytes(bytes); return this; }

    /// <summary>block/loop/if/try with an empty, single-value or type-index block type.</summary>
    public Code Block(Opcode op, ValType? result = null)
    {
        _w.Opcode(op);
        if (result is ValType t) _w.ValType(t); else _w.Byte(0x40);
        return this;
    }

    public Code BlockOfType(Opcode op, uint typeIndex) { _w.Opcode(op); _w.S64(typeIndex); return this; }

    public Code Mem(Opcode op, uint alignLog2, ulong offset = 0, uint memory = 0)
    {
        _w.Opcode(op);
        _w.U32(memory == 0 ? alignLog2 : alignLog2 | 0x40);
        if (memory != 0) _w.U32(memory);
        _w.U64(offset);
        return this;
    }

    public Code MemLane(Opcode op, uint alignLog2, byte lane) { Mem(op, alignLog2); _w.Byte(lane); return this; }
    public Code Lane(Opcode op, byte lane) { _w.Opcode(op); _w.Byte(lane); return this; }
    public Code Shuffle(params byte[] lanes) { _w.Opcode(Opcode.I8x16Shuffle); _w.Bytes(lanes); return this; }
    public Code Heap(Opcode op, HeapType h) { _w.Opcode(op); _w.HeapType(h); return this; }

    public Code BrTable(uint defaultLabel, params uint[] targets)
    {
        _w.Opcode(Opcode.BrTable);
        _w.U32((uint)targets.Length);
        foreach (uint t in targets) _w.U32(t);
        _w.U32(defaultLabel);
        return this;
    }

    public Code SelectTyped(params ValType[] types)
    {
        _w.Opcode(Opcode.SelectTyped);
        _w.U32((uint)types.Length);
        foreach (var t in types) _w.ValType(t);
        return this;
    }

    public Code TryTable(ValType? result, params CatchClause[] catches)
    {
        Block(Opcode.TryTable, result);
        _w.U32((uint)catches.Length);
        foreach (var c in catches)
        {
            _w.Byte((byte)c.Kind);
            if (c.Kind is CatchKind.Catch or CatchKind.CatchRef) _w.U32(c.Tag);
            _w.U32(c.Label);
        }
        return this;
    }

    public Code BrOnCast(Opcode op, uint label, ValType from, ValType to)
    {
        _w.Opcode(op);
        _w.Byte((byte)((from.Nullable ? 1 : 0) | (to.Nullable ? 2 : 0)));
        _w.U32(label);
        _w.HeapType(from.Heap);
        _w.HeapType(to.Heap);
        return this;
    }
}

/// <summary>Builds modules for validator tests and runs the validator on them.</summary>
static class TestModules
{
    public static readonly ValType I32 = ValType.I32, I64 = ValType.I64, F32 = ValType.F32, F64 = ValType.F64, V128 = ValType.V128;

    public static ValType Ref(uint typeIndex, bool nullable = false) => ValType.Ref(HeapType.Concrete(typeIndex), nullable);
    public static ValType Ref(HeapType heap, bool nullable = false) => ValType.Ref(heap, nullable);

    /// <summary>Adds one type as its own rec group; returns its index.</summary>
    public static uint AddType(this WasmModule m, CompositeType c, bool final = true, params uint[] supertypes) =>
        m.AddRecGroup(new SubType(final, supertypes, c));

    /// <summary>Adds a rec group; returns the index of its first type.</summary>
    public static uint AddRecGroup(this WasmModule m, params SubType[] types)
    {
        int start = m.Types.Count;
        foreach (var t in types) { t.RecGroup = m.RecGroups.Count; m.Types.Add(t); }
        m.RecGroups.Add(new RecGroup(start, types.Length, types.Length != 1));
        m.InvalidateIndexSpaces();
        return (uint)start;
    }

    public static uint AddFuncType(this WasmModule m, ValType[] parameters, ValType[] results) =>
        m.AddType(new FuncType(parameters, results));

    public static uint AddFunc(this WasmModule m, uint typeIndex, Code body, params LocalGroup[] locals)
    {
        m.Functions.Add(typeIndex);
        m.Code.Add(new FunctionBody(locals, body.Bytes, 0));
        m.InvalidateIndexSpaces();
        return (uint)(m.ImportedFunctionCount + m.Functions.Count - 1);
    }

    public static uint AddFunc(this WasmModule m, ValType[] parameters, ValType[] results, Code body, params LocalGroup[] locals) =>
        m.AddFunc(m.AddFuncType(parameters, results), body, locals);

    public static ConstExpr Const(Code c) => new(c.Bytes, 0);

    /// <summary>A module with one function of the given signature and body.</summary>
    public static WasmModule Func(ValType[] parameters, ValType[] results, Code body, params LocalGroup[] locals)
    {
        var m = new WasmModule();
        m.AddFunc(parameters, results, body, locals);
        return m;
    }

    public static ModuleContext Valid(WasmModule m, FeatureSet? features = null) =>
        ModuleValidator.Validate(m, new ValidationOptions { Features = features ?? FeatureSet.Default });

    /// <summary>Asserts the module is invalid with a message starting with <paramref name="message"/>, as the spec suite matches.</summary>
    public static ValidationException Invalid(WasmModule m, string message, FeatureSet? features = null)
    {
        var e = Assert.Throws<ValidationException>(() => Valid(m, features));
        Assert.StartsWith(message, e.Message);
        return e;
    }

    public static MalformedException Malformed(WasmModule m, string message)
    {
        var e = Assert.Throws<MalformedException>(() => Valid(m));
        Assert.StartsWith(message, e.Message);
        return e;
    }
}
