namespace Hoist.Wasm.Text;

/// <summary>
/// Types: type definitions (<c>type</c>, <c>rec</c>, <c>sub</c>, <c>func</c>, <c>struct</c>, <c>array</c>),
/// value, reference and heap types, and type uses with their implicit function types.
/// </summary>
internal sealed partial class WatModuleParser
{
    // Scratch lists for the signature being parsed (a type use is complete before another starts).
    readonly List<ValType> _params = new();
    readonly List<ValType> _results = new();
    /// <summary>Plain function types (final, no supertype, alone in their rec group) by signature: the first index of each.</summary>
    readonly Dictionary<FuncType, uint> _plainFuncTypes = new(FuncSignatureComparer.Instance);

    void ParseTypeField()
    {
        int start = _m.Types.Count;
        ParseTypeDefinition();
        AddRecGroup(start, 1, explicitGroup: false);
    }

    void ParseRecField()
    {
        EnterList();
        int start = _m.Types.Count;
        while (AtList("type")) ParseTypeDefinition();
        ExpectRParen();
        AddRecGroup(start, _m.Types.Count - start, explicitGroup: true);
    }

    void AddRecGroup(int start, int count, bool explicitGroup)
    {
        int group = _m.RecGroups.Count;
        _m.RecGroups.Add(new RecGroup(start, count, explicitGroup));
        for (int i = start; i < start + count; i++) _m.Types[i].RecGroup = group;
    }

    /// <summary><c>(type $id? subtype)</c></summary>
    void ParseTypeDefinition()
    {
        EnterList();
        OptionalId();
        IdSpace? fields = null;
        SubType sub;
        if (AtList("sub"))
        {
            EnterList();
            bool final = false;
            if (AtKeyword("final")) { final = true; Pos++; }
            var supers = new List<uint>();
            while (AtIndex) supers.Add(ParseIndex(_types));
            sub = new SubType(final, supers.ToArray(), ParseCompositeType(ref fields));
            ExpectRParen();
        }
        else sub = new SubType(true, [], ParseCompositeType(ref fields));
        ExpectRParen();
        _m.Types.Add(sub);
        _fieldIds.Add(fields);
    }

    CompositeType ParseCompositeType(ref IdSpace? fieldIds)
    {
        if (!AtLParen) throw Unexpected();
        switch (KeywordAt(Pos + 1))
        {
            case "func":
            {
                EnterList();
                ParseSignature(ParamIds.Ignore);
                ExpectRParen();
                return new FuncType(_params.ToArray(), _results.ToArray());
            }
            case "struct":
            {
                EnterList();
                var list = new List<FieldType>();
                while (AtList("field"))
                {
                    EnterList();
                    if (Kind is TokenKind.Id or TokenKind.EmptyId)
                    {
                        int idToken = Pos;
                        string id = OptionalId()!;
                        fieldIds ??= new IdSpace("field", "field");
                        fieldIds.Count = (uint)list.Count;
                        if (!fieldIds.TryAdd(id, out _)) throw Error("duplicate field", idToken);
                        list.Add(ParseFieldType());
                    }
                    else while (!AtRParen) list.Add(ParseFieldType());
                    ExpectRParen();
                }
                ExpectRParen();
                return new StructType(list.ToArray());
            }
            case "array":
            {
                EnterList();
                FieldType element;
                if (AtList("field"))
                {
                    EnterList();
                    OptionalId();
                    element = ParseFieldType();
                    ExpectRParen();
                }
                else element = ParseFieldType();
                ExpectRParen();
                return new ArrayType(element);
            }
            default:
                throw Unexpected(Pos + 1);
        }
    }

    /// <summary><c>storagetype | (mut storagetype)</c></summary>
    FieldType ParseFieldType()
    {
        if (AtList("mut"))
        {
            EnterList();
            var t = ParseStorageType();
            ExpectRParen();
            return new FieldType(t, true);
        }
        return new FieldType(ParseStorageType(), false);
    }

    ValType ParseStorageType()
    {
        if (AtKeyword("i8")) { Pos++; return ValType.I8; }
        if (AtKeyword("i16")) { Pos++; return ValType.I16; }
        return ParseValType();
    }

    /// <summary><c>valtype | (mut valtype)</c></summary>
    GlobalType ParseGlobalType()
    {
        if (AtList("mut"))
        {
            EnterList();
            var t = ParseValType();
            ExpectRParen();
            return new GlobalType(t, true);
        }
        return new GlobalType(ParseValType(), false);
    }

    bool AtValType => Kind == TokenKind.Keyword ? IsValTypeKeyword(T.Text(Pos)) : AtList("ref");

    static bool IsValTypeKeyword(ReadOnlySpan<char> k) =>
        k is "i32" or "i64" or "f32" or "f64" or "v128" || ShorthandRefType(k) is not null;

    bool AtRefType => AtList("ref") || Kind == TokenKind.Keyword && ShorthandRefType(T.Text(Pos)) is not null;

    ValType ParseValType()
    {
        if (Kind == TokenKind.Keyword)
        {
            var k = T.Text(Pos);
            ValType? t = k switch
            {
                "i32" => ValType.I32,
                "i64" => ValType.I64,
                "f32" => ValType.F32,
                "f64" => ValType.F64,
                "v128" => ValType.V128,
                _ => ShorthandRefType(k),
            };
            if (t is null) throw Unexpected();
            Pos++;
            return t.Value;
        }
        if (AtList("ref")) return ParseRefType();
        throw Unexpected();
    }

    /// <summary><c>(ref null? heaptype)</c> or a shorthand such as <c>funcref</c>.</summary>
    ValType ParseRefType()
    {
        if (Kind == TokenKind.Keyword && ShorthandRefType(T.Text(Pos)) is { } shorthand)
        {
            Pos++;
            return shorthand;
        }
        if (!AtList("ref")) throw Unexpected();
        EnterList();
        bool nullable = false;
        if (AtKeyword("null")) { nullable = true; Pos++; }
        var heap = ParseHeapType();
        ExpectRParen();
        return ValType.Ref(heap, nullable);
    }

    static ValType? ShorthandRefType(ReadOnlySpan<char> k) => k switch
    {
        "funcref" => ValType.FuncRef,
        "externref" => ValType.ExternRef,
        "anyref" => ValType.AnyRef,
        "exnref" => ValType.ExnRef,
        "eqref" => ValType.Ref(HeapType.Eq, true),
        "i31ref" => ValType.Ref(HeapType.I31, true),
        "structref" => ValType.Ref(HeapType.Struct, true),
        "arrayref" => ValType.Ref(HeapType.Array, true),
        "nullref" => ValType.Ref(HeapType.None, true),
        "nullfuncref" => ValType.Ref(HeapType.NoFunc, true),
        "nullexternref" => ValType.Ref(HeapType.NoExtern, true),
        "nullexnref" => ValType.Ref(HeapType.NoExn, true),
        _ => null,
    };

    /// <summary>An abstract heap type keyword, or a type index.</summary>
    HeapType ParseHeapType()
    {
        if (Kind == TokenKind.Keyword)
        {
            var h = AbstractHeapType(T.Text(Pos)) ?? throw Unexpected();
            Pos++;
            return h;
        }
        uint index = ParseIndex(_types);
        // Keep the index as written; one too large for a heap type can only be invalid anyway.
        return new HeapType(index > int.MaxValue ? int.MaxValue : (int)index);
    }

    internal static HeapType? AbstractHeapType(ReadOnlySpan<char> k) => k switch
    {
        "func" => HeapType.Func,
        "extern" => HeapType.Extern,
        "any" => HeapType.Any,
        "eq" => HeapType.Eq,
        "i31" => HeapType.I31,
        "struct" => HeapType.Struct,
        "array" => HeapType.Array,
        "exn" => HeapType.Exn,
        "noexn" => HeapType.NoExn,
        "nofunc" => HeapType.NoFunc,
        "noextern" => HeapType.NoExtern,
        "none" => HeapType.None,
        _ => null,
    };

    // ---- Signatures and type uses ----

    /// <summary>How <c>(param $x t)</c> ids are treated where a signature is parsed.</summary>
    enum ParamIds : byte
    {
        /// <summary>Allowed and ignored (type definitions, imports, tags).</summary>
        Ignore,
        /// <summary>Bound as locals (function definitions).</summary>
        Bind,
        /// <summary>Not allowed (block types, call_indirect): "unexpected token".</summary>
        Forbid,
    }

    /// <summary>Parses <c>(param ...)* (result ...)*</c> into <see cref="_params"/> and <see cref="_results"/>.</summary>
    void ParseSignature(ParamIds ids)
    {
        _params.Clear();
        _results.Clear();
        while (AtList("param"))
        {
            EnterList();
            if (Kind is TokenKind.Id or TokenKind.EmptyId)
            {
                if (ids == ParamIds.Forbid) throw Unexpected();
                int idToken = Pos;
                string id = OptionalId()!;
                _params.Add(ParseValType());
                if (ids == ParamIds.Bind && !_locals.TryAdd(id, out _)) throw Error("duplicate local", idToken);
            }
            else
            {
                while (!AtRParen)
                {
                    _params.Add(ParseValType());
                    if (ids == ParamIds.Bind) _locals.Count++;
                }
            }
            ExpectRParen();
        }
        while (AtList("result"))
        {
            EnterList();
            while (!AtRParen) _results.Add(ParseValType());
            ExpectRParen();
        }
    }

    /// <summary>
    /// A type use: <c>(type x)? (param ...)* (result ...)*</c>. With <c>(type x)</c>, a non-empty inline
    /// signature must be x's ("inline function type"; an empty one is not checked, as in the reference
    /// interpreter); without it, the signature's plain function type is found or appended. The signature
    /// is left in <see cref="_params"/>/<see cref="_results"/>. <paramref name="explicitType"/> tells
    /// whether <c>(type x)</c> was written, <paramref name="inlineSignature"/> whether the inline one is non-empty.
    /// </summary>
    uint ParseTypeUse(ParamIds ids, out bool explicitType, out bool inlineSignature)
    {
        uint index = 0;
        int typeToken = -1;
        if (AtList("type"))
        {
            EnterList();
            typeToken = Pos;
            index = ParseIndex(_types);
            ExpectRParen();
        }
        explicitType = typeToken >= 0;
        ParseSignature(ids);
        inlineSignature = _params.Count > 0 || _results.Count > 0;
        // A clause out of order is a syntax error, reported before any mismatch.
        if (AtList("param") || AtList("type")) throw Unexpected();
        if (!explicitType) return InternFuncType();
        if (inlineSignature)
        {
            if (index >= (uint)_m.Types.Count) throw Error("unknown type", typeToken);
            if (_m.Types[(int)index].Composite is not FuncType ft
                || !ft.Params.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_params))
                || !ft.Results.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_results)))
                throw Error("inline function type", typeToken);
        }
        return index;
    }

    /// <summary>The function type at <paramref name="index"/>, if it exists and is one.</summary>
    FuncType? FuncTypeAt(uint index) => index < (uint)_m.Types.Count ? _m.Types[(int)index].Composite as FuncType : null;

    /// <summary>The index of the plain function type with the current signature, appending it if new.</summary>
    uint InternFuncType()
    {
        var ft = new FuncType(_params.ToArray(), _results.ToArray());
        if (_plainFuncTypes.TryGetValue(ft, out uint index)) return index;
        index = (uint)_m.Types.Count;
        _m.Types.Add(new SubType(true, [], ft));
        _fieldIds.Add(null);
        AddRecGroup((int)index, 1, explicitGroup: false);
        _types.Count++;
        _plainFuncTypes.Add(ft, index);
        return index;
    }

    void IndexPlainFuncTypes()
    {
        foreach (var group in _m.RecGroups)
        {
            if (group.Count != 1) continue;
            var sub = _m.Types[group.Start];
            if (sub.Final && sub.Supertypes.Length == 0 && sub.Composite is FuncType ft)
                _plainFuncTypes.TryAdd(ft, (uint)group.Start);
        }
    }

    sealed class FuncSignatureComparer : IEqualityComparer<FuncType>
    {
        public static readonly FuncSignatureComparer Instance = new();

        public bool Equals(FuncType? x, FuncType? y) => x is not null && y is not null && x.SignatureEquals(y);

        public int GetHashCode(FuncType ft)
        {
            var h = new HashCode();
            h.Add(ft.Params.Length);
            foreach (var t in ft.Params) h.Add(t);
            foreach (var t in ft.Results) h.Add(t);
            return h.ToHashCode();
        }
    }
}
