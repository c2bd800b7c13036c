using Hoist.Optimizing.Ir;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Optimizing.Translate;

/// <summary>
/// What translating any function of a module needs, computed once per module and shared read-only by
/// the translators of every thread: the validated module, its VMContext layout, and the IR signature of
/// each function type (the callee's VMContext first, then the wasm parameters).
/// </summary>
public sealed class ModuleEnvironment
{
    readonly Signature?[] _sigs;

    public ModuleEnvironment(ModuleContext context, VmOffsets offsets)
    {
        Context = context;
        Offsets = offsets;
        _sigs = new Signature?[context.Types.Count];
    }

    public ModuleContext Context { get; }
    public WasmModule Module => Context.Module;
    public VmOffsets Offsets { get; }

    /// <summary>The IR type of a wasm value type: numbers as themselves, every reference as i64.</summary>
    public static IrType IrTypeOf(ValType t, long offset) => t.Kind switch
    {
        ValKind.I32 => IrType.I32,
        ValKind.I64 => IrType.I64,
        ValKind.F32 => IrType.F32,
        ValKind.F64 => IrType.F64,
        ValKind.Ref => IrType.I64,
        _ => throw new UnsupportedFeatureException(Feature.Simd, $"the optimizing compiler does not support {t} values", SourceLocation.AtOffset(offset)),
    };

    /// <summary>The IR signature of function type <paramref name="typeIndex"/> (cached; safe to call from several threads).</summary>
    public Signature WasmSignature(uint typeIndex, long offset = -1)
    {
        var sig = Volatile.Read(ref _sigs[typeIndex]);
        if (sig is not null) return sig;
        var ft = (FuncType)Context.Types[typeIndex].Composite;
        var ps = new IrType[ft.Params.Length + 1];
        ps[0] = IrType.I64;
        for (int i = 0; i < ft.Params.Length; i++) ps[i + 1] = IrTypeOf(ft.Params[i], offset);
        var rs = new IrType[ft.Results.Length];
        for (int i = 0; i < rs.Length; i++) rs[i] = IrTypeOf(ft.Results[i], offset);
        sig = new Signature(CallConv.Wasm, ps, rs);
        Volatile.Write(ref _sigs[typeIndex], sig);
        return sig;
    }

    public Signature FunctionSignature(uint funcIndex, long offset = -1) => WasmSignature(Module.FunctionTypeIndices[(int)funcIndex], offset);

    public bool IsImportedFunction(uint funcIndex) => funcIndex < (uint)Module.ImportedFunctionCount;

    /// <summary>The type's declaration says no other type can be its subtype, so a type id compare decides a match.</summary>
    public bool IsFinal(uint typeIndex) => Context.Types[typeIndex].Final;

    public MemoryType Memory(uint index) => Module.MemoryTypes[(int)index];

    /// <summary>Guard regions by memory index, from <see cref="Compiler.CompileInput.MemoryGuardBytes"/> (null: explicit checks everywhere).</summary>
    public ulong[]? MemoryGuardBytes { get; init; }

    /// <summary>The guard region of memory <paramref name="index"/>; 0 = explicit bounds checks.</summary>
    public ulong GuardBytes(uint index) => MemoryGuardBytes is { } g && index < (uint)g.Length ? g[index] : 0;
    public TableType Table(uint index) => Module.TableTypes[(int)index];
    public GlobalType Global(uint index) => Module.GlobalTypes[(int)index];

    /// <summary>A name for the function: its name-section name, else <c>funcN</c>.</summary>
    public string FunctionName(uint funcIndex) => Module.FunctionName(funcIndex) ?? "func" + funcIndex;
}
