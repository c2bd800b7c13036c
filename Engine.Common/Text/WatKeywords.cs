namespace Hoist.Wasm.Text;

/// <summary>
/// The keywords of the text format, for lookups by span without allocating: instruction mnemonics
/// (derived from the opcode table) and the fixed vocabulary of modules, types and scripts. The parser
/// uses <see cref="IsKnown"/> only to word an error: a keyword the format does not have is an
/// "unknown operator" wherever it stands, a known one in the wrong place an "unexpected token".
/// </summary>
public static class WatKeywords
{
    static readonly Dictionary<string, Opcode> s_mnemonics = BuildMnemonics();
    static readonly Dictionary<string, Opcode>.AlternateLookup<ReadOnlySpan<char>> s_mnemonicLookup =
        s_mnemonics.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>Every non-instruction keyword of modules, types, folded forms and scripts.</summary>
    static readonly HashSet<string> s_vocabulary = new(StringComparer.Ordinal)
    {
        "module", "type", "rec", "sub", "final", "func", "struct", "array", "field", "mut", "param", "result",
        "local", "import", "export", "table", "memory", "global", "tag", "start", "elem", "data", "declare",
        "item", "offset", "shared", "pagesize", "then", "do", "catch_ref", "catch_all_ref", "ref", "null",
        "i32", "i64", "f32", "f64", "v128", "i8", "i16", "i8x16", "i16x8", "i32x4", "i64x2", "f32x4", "f64x2",
        "extern", "any", "eq", "i31", "exn", "noexn", "nofunc", "noextern", "none",
        "funcref", "externref", "anyref", "eqref", "i31ref", "structref", "arrayref", "exnref",
        "nullref", "nullfuncref", "nullexternref", "nullexnref", "inf", "nan", "nan:canonical", "nan:arithmetic",
        "binary", "quote", "definition", "instance", "register", "invoke", "get", "either",
        "assert_return", "assert_trap", "assert_exhaustion", "assert_exception", "assert_malformed",
        "assert_invalid", "assert_unlinkable", "assert_malformed_custom", "assert_invalid_custom", "assert_suspension",
        "thread", "wait",
    };
    static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> s_vocabularyLookup =
        s_vocabulary.GetAlternateLookup<ReadOnlySpan<char>>();

    /// <summary>The opcode a mnemonic names; for shared mnemonics the first row (the parser picks the variant).</summary>
    public static bool TryGetOpcode(ReadOnlySpan<char> mnemonic, out Opcode op) => s_mnemonicLookup.TryGetValue(mnemonic, out op);

    /// <summary>True for every keyword the text format defines, including instruction names and <c>offset=N</c>-like forms.</summary>
    public static bool IsKnown(ReadOnlySpan<char> keyword)
    {
        if (s_mnemonicLookup.ContainsKey(keyword) || s_vocabularyLookup.Contains(keyword)) return true;
        if (NumberShape.Classify(keyword) != NumberKind.None) return true;  // inf, nan, nan:0x...
        if (keyword.StartsWith("offset=")) return NumberShape.Classify(keyword[7..]) == NumberKind.Nat;
        if (keyword.StartsWith("align=")) return NumberShape.Classify(keyword[6..]) == NumberKind.Nat;
        return false;
    }

    static Dictionary<string, Opcode> BuildMnemonics()
    {
        var map = new Dictionary<string, Opcode>(OpcodeInfo.Count, StringComparer.Ordinal);
        for (int i = 0; i < OpcodeInfo.Count; i++) map.TryAdd(((Opcode)i).Mnemonic(), (Opcode)i);
        return map;
    }
}
