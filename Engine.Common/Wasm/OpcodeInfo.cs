namespace Hoist.Wasm;

/// <summary>The immediate layout of an instruction, as named in the immediates column of opcodes.def.</summary>
public enum ImmediateKind : byte
{
    None,
    Block,          // blocktype
    Label,          // labelidx
    BrTable,        // vec(labelidx) labelidx
    Func,           // funcidx
    CallIndirect,   // typeidx tableidx
    Local,          // localidx
    Global,         // globalidx
    Table,          // tableidx
    MemArg,         // align/memidx flags, offset
    Memory,         // memidx
    I32, I64, F32, F64, V128,
    SelectTypes,    // vec(valtype)
    HeapType,       // heaptype
    Type,           // typeidx
    DataMemory,     // dataidx memidx   (memory.init)
    Data,           // dataidx
    MemoryMemory,   // memidx memidx    (memory.copy: destination, source)
    ElemTable,      // elemidx tableidx (table.init)
    Elem,           // elemidx
    TableTable,     // tableidx tableidx (table.copy: destination, source)
    Lane,           // laneidx
    MemArgLane,     // memarg laneidx
    Shuffle,        // 16 laneidx bytes
    Tag,            // tagidx
    TryTable,       // blocktype vec(catch)
    TypeField,      // typeidx fieldidx
    TypeData,       // typeidx dataidx
    TypeElem,       // typeidx elemidx
    TypeCount,      // typeidx u32 (array.new_fixed)
    TypeType,       // typeidx typeidx (array.copy: destination, source)
    BrOnCast,       // castflags labelidx heaptype heaptype
    ZeroByte,       // a reserved 0x00 byte (atomic.fence)
}

/// <summary>The proposal that introduced an instruction; what <c>Config</c> feature toggles gate.</summary>
public enum Feature : byte
{
    Mvp, Signext, Satconv, Bulk, Reftypes, Simd, Relaxedsimd, Tailcall, Funcrefs, Gc,
    Exceptions, Legacyexceptions, Threads, Widearith,
}

/// <summary>A type in a fixed signature of opcodes.def. <see cref="Addr"/> is the memory's address type.</summary>
public enum SigType : byte { I32, I64, F32, F64, V128, Addr }

/// <summary>Facts about each <see cref="Opcode"/>, all read from the generated tables.</summary>
public static partial class OpcodeInfo
{
    /// <summary>The text-format mnemonic (<c>ref.test</c> for both nullabilities).</summary>
    public static string Mnemonic(this Opcode op) => s_mnemonic[(int)op];

    /// <summary>0 for a single-byte opcode, else its prefix byte (0xFB, 0xFC, 0xFD, 0xFE).</summary>
    public static byte Prefix(this Opcode op) => s_prefix[(int)op];

    /// <summary>The opcode byte, or the sub-opcode after the prefix.</summary>
    public static uint Code(this Opcode op) => s_code[(int)op];

    public static ImmediateKind Immediates(this Opcode op) => s_immediates[(int)op];

    /// <summary>log2 of the natural alignment of a memory access, or -1 for other operators.</summary>
    public static int NaturalAlignmentLog2(this Opcode op) => s_alignLog2[(int)op];

    public static Feature RequiredFeature(this Opcode op) => s_feature[(int)op];

    /// <summary>True if the operator may appear in a constant expression (with extended-const and GC).</summary>
    public static bool IsConstant(this Opcode op) => s_const[(int)op];

    /// <summary>True when the operator's typing is a fixed signature; false when the validator types it by hand.</summary>
    public static bool HasFixedSignature(this Opcode op) => s_sigStart[(int)op] >= 0;

    public static ReadOnlySpan<SigType> Params(this Opcode op)
    {
        int start = s_sigStart[(int)op];
        return start < 0 ? default : s_sigPool.AsSpan(start, s_sigParams[(int)op]);
    }

    public static ReadOnlySpan<SigType> Results(this Opcode op)
    {
        int start = s_sigStart[(int)op];
        return start < 0 ? default : s_sigPool.AsSpan(start + s_sigParams[(int)op], s_sigResults[(int)op]);
    }

    /// <summary>Decodes a single-byte opcode. Prefix bytes (0xFB..0xFE) are not opcodes themselves.</summary>
    public static bool TryDecode(byte b, out Opcode op)
    {
        ushort v = s_decodeSingle[b];
        op = (Opcode)v;
        return v != 0xFFFF;
    }

    /// <summary>Decodes a prefixed opcode from its prefix byte and LEB128 sub-opcode.</summary>
    public static bool TryDecode(byte prefix, uint code, out Opcode op)
    {
        ushort[]? map = prefix switch { 0xFB => s_decodeFB, 0xFC => s_decodeFC, 0xFD => s_decodeFD, 0xFE => s_decodeFE, _ => null };
        ushort v = map is not null && code < (uint)map.Length ? map[code] : (ushort)0xFFFF;
        op = (Opcode)v;
        return v != 0xFFFF;
    }

    public static bool IsPrefix(byte b) => b is 0xFB or 0xFC or 0xFD or 0xFE;

    static Dictionary<string, Opcode>? s_byMnemonic;

    /// <summary>
    /// Looks up a text mnemonic. Where two rows share one (<c>select</c>, <c>ref.test</c>, <c>ref.cast</c>)
    /// this gives the first; the text parser picks the other form from what follows.
    /// </summary>
    public static bool TryParseMnemonic(string mnemonic, out Opcode op)
    {
        var map = s_byMnemonic ??= BuildMnemonicMap();
        return map.TryGetValue(mnemonic, out op);
    }

    static Dictionary<string, Opcode> BuildMnemonicMap()
    {
        var map = new Dictionary<string, Opcode>(Count, StringComparer.Ordinal);
        for (int i = 0; i < Count; i++) map.TryAdd(s_mnemonic[i], (Opcode)i);
        return map;
    }
}
