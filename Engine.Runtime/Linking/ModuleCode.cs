using Hoist.Isa;
using Hoist.Runtime.Native;
using Hoist.Wasm;

namespace Hoist.Runtime.Linking;

/// <summary>
/// A module's linked machine code: every defined function laid out in one <see cref="CodeMemory"/>, the
/// trap handler after them, and the per-function tables (trap sites, source locations) that trap lookup and
/// backtraces read. Invariants: function i starts at <see cref="FunctionOffset"/>(i), offsets increase
/// with i and every start is <see cref="MachineCode.FunctionAlignment"/>-aligned; the code is registered in
/// <see cref="CodeRegistry"/> while it is mapped. Reference-counted: the module holds one reference and
/// every instance one more; the last release unmaps the code.
/// </summary>
internal sealed class ModuleCode
{
    readonly CodeMemory _memory;
    readonly int[] _offsets;
    readonly int _rangeSlot = -1;
    int _references = 1;

    /// <param name="storeContextOffset">where the module's VMContexts hold the store context; when given, the
    /// functions' range is published to the signal handler (<see cref="WasmCodeRanges"/>) while the code is mapped</param>
    public ModuleCode(WasmModule module, string? file, MachineCode[] functions, int[] offsets, int trapHandlerOffset, CodeMemory memory,
        int storeContextOffset = -1)
    {
        Module = module;
        File = file;
        Functions = functions;
        _offsets = offsets;
        TrapHandlerOffset = trapHandlerOffset;
        _memory = memory;
        Base = memory.Base;
        Length = memory.Length;
        CodeRegistry.Register(this);
        if (storeContextOffset >= 0 && trapHandlerOffset > 0) _rangeSlot = WasmCodeRanges.Add(Base, trapHandlerOffset, storeContextOffset);
    }

    /// <summary>The module model (for names in backtraces).</summary>
    public WasmModule Module { get; }

    /// <summary>The file the module came from, if any (for trap locations).</summary>
    public string? File { get; }

    /// <summary>Machine code by defined-function index.</summary>
    public MachineCode[] Functions { get; }

    public nint Base { get; }
    public int Length { get; }
    public int TrapHandlerOffset { get; }

    public int FunctionOffset(int definedIndex) => _offsets[definedIndex];

    public nint FunctionAddress(int definedIndex) => Base + _offsets[definedIndex];

    public bool Contains(nint pc) => pc >= Base && pc < Base + Length;

    /// <summary>The defined function whose instructions contain <paramref name="pc"/>, and pc's offset in it.</summary>
    public bool TryFindFunction(nint pc, out int definedIndex, out int offset)
    {
        long rel = pc - Base;
        int lo = 0, hi = _offsets.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_offsets[mid] <= rel) { found = mid; lo = mid + 1; } else hi = mid - 1;
        }
        if (found >= 0 && rel - _offsets[found] < Functions[found].InstructionsSize)
        {
            definedIndex = found;
            offset = (int)(rel - _offsets[found]);
            return true;
        }
        definedIndex = -1;
        offset = 0;
        return false;
    }

    public void AddReference()
    {
        if (Interlocked.Increment(ref _references) <= 1) throw new ObjectDisposedException(nameof(Module), "the module's code was already freed");
    }

    public void Release()
    {
        if (Interlocked.Decrement(ref _references) != 0) return;
        CodeRegistry.Unregister(this);
        if (_rangeSlot >= 0) WasmCodeRanges.Remove(_rangeSlot);
        _memory.Dispose();
    }
}
