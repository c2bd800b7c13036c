using Hoist.Runtime.Linking;
using Hoist.Vm;

namespace Hoist.Runtime.Traps;

/// <summary>Maps the pcs a trap recorded to trap codes and wasm frames (via <see cref="CodeRegistry"/>).</summary>
internal static class Backtraces
{
    /// <summary>
    /// The code of the trap site at <paramref name="pc"/>: a trap stub's return address, or, when
    /// <paramref name="atFault"/>, a faulting instruction the signal handler caught (guard pages), which
    /// lies in the function it belongs to. Both are recorded as trap sites at exactly that offset.
    /// </summary>
    public static TrapCode TrapCodeAt(nint pc, bool atFault = false)
    {
        nint at = atFault ? pc : pc - 1;
        ModuleCode? code = CodeRegistry.Find(at);
        if (code is not null && code.TryFindFunction(at, out int f, out int offset)
            && code.Functions[f].TryGetTrap((int)(pc - code.FunctionAddress(f)), out TrapCode trap))
            return trap;
        throw new InvalidOperationException(atFault
            ? $"wasm code faulted at 0x{pc:x}, which is not a memory access of any module (a runtime or compiler bug)"
            : $"a trap was reported at 0x{pc:x}, which is not a trap site of any module (a runtime or compiler bug)");
    }

    /// <summary>
    /// The wasm frames: first the trap pc's, then one per return address; addresses outside wasm code
    /// (trampolines) are skipped. Each pc is looked up as pc - 1, inside the call (or trap stub) it returns from.
    /// </summary>
    public static WasmFrame[] Resolve(nint trapPc, ReadOnlySpan<nint> returnAddresses, bool atFault = false)
    {
        var frames = new List<WasmFrame>(returnAddresses.Length + 1);
        ModuleCode? last = null;
        Add(frames, atFault ? trapPc + 1 : trapPc, ref last);       // a faulting instruction is looked up as itself
        foreach (nint pc in returnAddresses) Add(frames, pc, ref last);
        return frames.ToArray();
    }

    static void Add(List<WasmFrame> frames, nint pc, ref ModuleCode? last)
    {
        nint at = pc - 1;
        ModuleCode? code = last is not null && last.Contains(at) ? last : CodeRegistry.Find(at);
        if (code is null || !code.TryFindFunction(at, out int f, out int offset)) return;
        last = code;
        uint index = (uint)(code.Module.ImportedFunctionCount + f);
        uint wasm = code.Functions[f].WasmOffsetAt(offset);
        frames.Add(new WasmFrame(index, code.Module.FunctionName(index), code.Module.Names?.ModuleName,
            wasm == Isa.SourceLoc.None ? -1 : wasm));
    }
}
