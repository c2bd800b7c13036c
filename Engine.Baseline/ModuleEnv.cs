using Hoist.Compiler;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Baseline;

/// <summary>
/// What every function of one module shares while it is compiled: the module, its VMContext layout and
/// the ABI of each function type. Built once per <see cref="BaselineCompiler.Compile"/>, read-only after,
/// so compilers on several threads share it.
/// </summary>
internal sealed class ModuleEnv
{
    public ModuleEnv(CompileInput input, X64Features cpu)
    {
        Cpu = cpu;
        Input = input;
        Module = input.Module;
        Context = input.Context;
        Offsets = input.Offsets;
        Types = input.Context.Types;
        FuncTypes = Module.FunctionTypeIndices.ToArray();
        Memories = Module.MemoryTypes.ToArray();
        Tables = Module.TableTypes.ToArray();
        Globals = Module.GlobalTypes.ToArray();
        ImportedFunctions = Module.ImportedFunctionCount;
        Signatures = new AbiSignature?[Types.Count];
        for (int i = 0; i < Types.Count; i++)
            if (Types[(uint)i].Composite is FuncType f) Signatures[i] = AbiSignature.Of(f);
    }

    /// <summary>The host's optional instructions the code may use.</summary>
    public X64Features Cpu { get; }

    public CompileInput Input { get; }
    public WasmModule Module { get; }
    public ModuleContext Context { get; }
    public ModuleTypes Types { get; }
    public VmOffsets Offsets { get; }
    public uint[] FuncTypes { get; }
    public MemoryType[] Memories { get; }
    public TableType[] Tables { get; }
    public GlobalType[] Globals { get; }
    public int ImportedFunctions { get; }
    public bool ConsumeFuel => Input.ConsumeFuel;
    public bool EpochInterruption => Input.EpochInterruption;

    /// <summary>The ABI of each function type, by type index (null for struct and array types).</summary>
    public AbiSignature?[] Signatures { get; }

    public FuncType FuncType(uint typeIndex) => (FuncType)Types[typeIndex].Composite;

    public AbiSignature Signature(uint typeIndex) => Signatures[typeIndex]!;
}
