using Hoist.Isa;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Compiler;

/// <summary>
/// A compiler of wasm function bodies to machine code: the only thing the runtime knows about a tier.
/// Implementations: Engine.Baseline (one pass, no IR) and Engine.Optimizing (SSA). A compiler
/// validates each body in the same pass it compiles it (it drives a <see cref="FuncValidator"/>),
/// so the runtime only runs module-level validation (<see cref="ModuleValidator.ValidateModule"/>)
/// before calling it. Every function it emits follows <see cref="Abi"/> and reaches instance state
/// only through <see cref="VmOffsets"/>, so code from either tier links and calls the same way.
/// </summary>
public interface ICompiler
{
    /// <summary>A short name for messages and artifacts ("baseline", "optimizing").</summary>
    string Name { get; }

    /// <summary>
    /// Compiles (and validates) every function the module defines. Throws <see cref="ValidationException"/>
    /// or <see cref="MalformedException"/> for an invalid body, with the offending operator's offset.
    /// </summary>
    CompiledModule Compile(CompileInput input);
}

/// <summary>Everything a compiler gets: the validated module, its VMContext layout, and options.</summary>
public sealed class CompileInput(ModuleContext context, VmOffsets offsets)
{
    /// <summary>The module-level validation result: types (with engine-wide canonical ids), index spaces.</summary>
    public ModuleContext Context { get; } = context;
    public WasmModule Module => Context.Module;
    public VmOffsets Offsets { get; } = offsets;

    /// <summary>Compile functions on several threads when the code is large enough.</summary>
    public bool Parallel { get; init; } = true;

    /// <summary>Bytes of function-body code above which compiling goes parallel.</summary>
    public int ParallelThresholdBytes { get; init; } = 256 * 1024;

    /// <summary>Emit fuel checks at function entry and loop back-edges (<see cref="VmStoreContext.Fuel"/>).</summary>
    public bool ConsumeFuel { get; init; }

    /// <summary>Emit epoch-deadline checks at function entry and loop back-edges.</summary>
    public bool EpochInterruption { get; init; }

    /// <summary>
    /// Guard regions of the linear memories, by memory index (imports first); null, a missing entry or 0
    /// means explicit bounds checks. A non-zero entry G promises that the memory is a 32-bit memory whose
    /// base is followed by 4 GiB + G bytes of address space of which exactly the first (wasm length) bytes are
    /// accessible, and that a fault there becomes a MemoryOutOfBounds trap. An access of size S at static
    /// offset O with O + S ≤ G may then skip the check: <c>base + zext32(index) + O</c> either is in bounds or
    /// faults. Every instruction that accesses linear memory must be a trap site
    /// (<c>AddTrapSite(start of the instruction, MemoryOutOfBounds)</c>), guarded or not.
    /// </summary>
    public ulong[]? MemoryGuardBytes { get; init; }

    /// <summary>The guard region of memory <paramref name="memory"/> (0: explicit checks); see <see cref="MemoryGuardBytes"/>.</summary>
    public ulong GuardBytes(uint memory) => MemoryGuardBytes is { } g && memory < (uint)g.Length ? g[memory] : 0;
}

/// <summary>
/// The output of a compiler: the machine code of every defined function (by defined-function index,
/// 0 = the first function that is not imported). Calls between them are <see cref="RelocTargetKind.WasmFunction"/>
/// relocations; trap stubs call <see cref="RelocTargetKind.TrapHandler"/>. The runtime lays the functions
/// out in one code memory and patches both.
/// </summary>
public sealed class CompiledModule(string compiler, MachineCode[] functions)
{
    public string Compiler { get; } = compiler;
    public MachineCode[] Functions { get; } = functions;
}
