namespace Hoist.Isa;

/// <summary>What a relocation refers to; resolved by the runtime when it links compiled code.</summary>
public enum RelocTargetKind : byte
{
    /// <summary>A function of the module being compiled, by wasm function index (imports included).</summary>
    WasmFunction,
    /// <summary>A runtime helper ("libcall"); the index is the runtime's libcall id.</summary>
    Libcall,
    /// <summary>The runtime's trap handler, which the trap stubs call (index unused, 0).</summary>
    TrapHandler,
}

/// <summary>The target of a relocation.</summary>
public readonly record struct RelocTarget(RelocTargetKind Kind, uint Index)
{
    public static RelocTarget Function(uint wasmFunctionIndex) => new(RelocTargetKind.WasmFunction, wasmFunctionIndex);
    public static RelocTarget Libcall(uint id) => new(RelocTargetKind.Libcall, id);
    public static RelocTarget TrapHandler => new(RelocTargetKind.TrapHandler, 0);

    public override string ToString() => Kind switch
    {
        RelocTargetKind.WasmFunction => $"func[{Index}]",
        RelocTargetKind.Libcall => $"libcall[{Index}]",
        _ => "trap_handler",
    };
}

/// <summary>How the linker writes a relocation's value at its offset.</summary>
public enum RelocKind : byte
{
    /// <summary>32-bit little-endian <c>target - (offset + 4)</c>: the x64 <c>call/jmp rel32</c> field.</summary>
    PcRel32,
    /// <summary>64-bit little-endian absolute address of the target (x64 <c>mov r64, imm64</c>).</summary>
    Abs64,
}

/// <summary>A place in the code (<see cref="Offset"/>: the field's first byte) that the linker patches.</summary>
public readonly record struct Relocation(int Offset, RelocKind Kind, RelocTarget Target);
