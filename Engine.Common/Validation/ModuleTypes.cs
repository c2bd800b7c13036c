namespace Hoist.Wasm.Validation;

/// <summary>
/// A module's type section, validated: every type index mapped to its canonical id in the engine's
/// <see cref="TypeRegistry"/>, with subtyping on module-relative types (concrete heap codes are this
/// module's type indices). Built by <see cref="Build"/>, which checks, rec group by rec group, that
/// type references stay inside the group or before it ("unknown type"), that a declared supertype
/// precedes its subtype, is not final and is matched structurally ("sub type ..."). Immutable after
/// construction, so function validators on several threads may share it.
/// </summary>
public sealed class ModuleTypes
{
    readonly SubType[] _types;
    readonly int[] _canonical;
    readonly int[] _supers;
    readonly CompositeKind[] _kinds;

    public TypeRegistry Registry { get; }
    public FeatureSet Features { get; }

    ModuleTypes(SubType[] types, TypeRegistry registry, FeatureSet features)
    {
        _types = types;
        _canonical = new int[types.Length];
        _supers = new int[types.Length];
        _kinds = new CompositeKind[types.Length];
        for (int i = 0; i < types.Length; i++)
        {
            _supers[i] = types[i].Supertypes.Length == 0 ? -1 : (int)types[i].Supertypes[0];
            _kinds[i] = types[i].Composite.Kind;
        }
        Registry = registry;
        Features = features;
    }

    public int Count => _types.Length;

    /// <summary>The canonical id of each type index in <see cref="Registry"/>.</summary>
    public ReadOnlySpan<int> CanonicalIds => _canonical;

    public SubType this[uint index] => _types[index];

    /// <summary>This module's types as an <see cref="ITypeHierarchy"/> for <see cref="Subtyping"/>.</summary>
    public Hierarchy AsHierarchy => new(_kinds, _canonical, _supers);

    public readonly struct Hierarchy(CompositeKind[] kinds, int[] canonical, int[] supers) : ITypeHierarchy
    {
        public CompositeKind KindOf(int code) => kinds[code];
        public int CanonicalIdOf(int code) => canonical[code];
        public int SupertypeOf(int code) => supers[code];
    }

    public bool IsSubtype(ValType a, ValType b)
    {
        // Fast path: identical types (every numeric case, most reference cases).
        if (a.Kind == b.Kind && a.Kind != ValKind.Ref) return true;
        return Subtyping.IsValSubtype(AsHierarchy, a, b);
    }

    public bool IsHeapSubtype(HeapType a, HeapType b) => a.Code == b.Code || Subtyping.IsHeapSubtype(AsHierarchy, a, b);

    public HeapType TopOf(HeapType h) => Subtyping.TopOf(AsHierarchy, h);

    public bool Equivalent(ValType a, ValType b) => Subtyping.Equivalent(AsHierarchy, a, b);

    /// <summary>Whether every type of <paramref name="a"/> is a subtype of the type at the same position in <paramref name="b"/>.</summary>
    public bool IsResultSubtype(ReadOnlySpan<ValType> a, ReadOnlySpan<ValType> b)
    {
        if (a.Length != b.Length) return false;
        for (int i = 0; i < a.Length; i++) if (!IsSubtype(a[i], b[i])) return false;
        return true;
    }

    public bool IsFuncType(uint index) => index < (uint)_types.Length && _kinds[index] == CompositeKind.Func;

    /// <summary>The function type at <paramref name="index"/>; fails with "unknown type" or when it is not a function type.</summary>
    public FuncType FuncTypeAt(uint index, long offset)
    {
        if (index >= (uint)_types.Length) ValidationError.Unknown(offset, "type", index);
        if (_types[index].Composite is not FuncType f) { ValidationError.Throw(offset, $"type mismatch: type {index} is not a function type"); return null!; }
        return f;
    }

    public StructType StructTypeAt(uint index, long offset)
    {
        if (index >= (uint)_types.Length) ValidationError.Unknown(offset, "type", index);
        if (_types[index].Composite is not StructType s) { ValidationError.Throw(offset, $"type mismatch: type {index} is not a struct type"); return null!; }
        return s;
    }

    public ArrayType ArrayTypeAt(uint index, long offset)
    {
        if (index >= (uint)_types.Length) ValidationError.Unknown(offset, "type", index);
        if (_types[index].Composite is not ArrayType a) { ValidationError.Throw(offset, $"type mismatch: type {index} is not an array type"); return null!; }
        return a;
    }

    /// <summary>Checks that a heap type exists (a known abstract type or a type index in range) and its feature is enabled.</summary>
    public void CheckHeapType(HeapType h, long offset) => CheckHeapType(h, _types.Length, offset);

    void CheckHeapType(HeapType h, int limit, long offset)
    {
        int code = h.Code;
        if (code >= 0)
        {
            if (code >= limit) ValidationError.Unknown(offset, "type", (uint)code);
            if (!Features.Has(Feature.Funcrefs) && !Features.Has(Feature.Gc)) FeatureMissing(offset, "concrete reference types", Feature.Funcrefs);
            return;
        }
        if (!HeapType.IsAbstractCode(code)) ValidationError.Malformed(offset, "malformed heap type");
        if (h == HeapType.Func || h == HeapType.Extern) return;
        if (h == HeapType.Exn || h == HeapType.NoExn)
        {
            if (!Features.Has(Feature.Exceptions) && !Features.Has(Feature.Legacyexceptions)) FeatureMissing(offset, "exception references", Feature.Exceptions);
        }
        else if (!Features.Has(Feature.Gc)) FeatureMissing(offset, $"heap type {h}", Feature.Gc);
    }

    /// <summary>Checks a value or storage type: its heap type if it is a reference, and the features it needs.</summary>
    public void CheckValType(ValType t, long offset) => CheckValType(t, _types.Length, offset);

    void CheckValType(ValType t, int limit, long offset)
    {
        switch (t.Kind)
        {
            case ValKind.Ref:
                CheckHeapType(t.Heap, limit, offset);
                if (!t.Nullable && !Features.Has(Feature.Funcrefs) && !Features.Has(Feature.Gc))
                    FeatureMissing(offset, "non-nullable references", Feature.Funcrefs);
                break;
            case ValKind.V128:
                if (!Features.Has(Feature.Simd)) FeatureMissing(offset, "v128", Feature.Simd);
                break;
            case ValKind.I32 or ValKind.I64 or ValKind.F32 or ValKind.F64 or ValKind.I8 or ValKind.I16:
                break;
            default:
                ValidationError.Malformed(offset, "malformed value type");
                break;
        }
    }

    static void FeatureMissing(long offset, string what, Feature f) =>
        ValidationError.Throw(offset, $"{what} require the {f.ToString().ToLowerInvariant()} feature, which is not enabled");

    /// <summary>
    /// Validates and canonicalises the type section of <paramref name="module"/>. Rec groups come from
    /// <see cref="WasmModule.RecGroups"/>; when it is empty every type is its own group.
    /// </summary>
    public static ModuleTypes Build(WasmModule module, TypeRegistry registry, FeatureSet features)
    {
        var result = new ModuleTypes(module.Types.ToArray(), registry, features);
        var types = result._types;
        int next = 0;
        if (module.RecGroups.Count == 0)
        {
            for (int i = 0; i < types.Length; i++) result.ValidateGroup(i, 1);
            return result;
        }
        foreach (var g in module.RecGroups)
        {
            if (g.Start != next || g.Count < 0 || g.Start + g.Count > types.Length)
                ValidationError.Malformed(-1, "rec groups do not cover the type section");
            if (g.Count > 1 && !features.Has(Feature.Gc)) FeatureMissing(-1, "recursion groups", Feature.Gc);
            result.ValidateGroup(g.Start, g.Count);
            next = g.Start + g.Count;
        }
        if (next != types.Length) ValidationError.Malformed(-1, "rec groups do not cover the type section");
        return result;
    }

    void ValidateGroup(int start, int count)
    {
        int end = start + count;
        // 1. References stay inside the group or before it; supertypes precede their subtypes.
        for (int i = start; i < end; i++)
        {
            SubType st = _types[i];
            switch (st.Composite)
            {
                case FuncType f:
                    foreach (var p in f.Params) CheckValType(p, end, -1);
                    foreach (var r in f.Results) CheckValType(r, end, -1);
                    break;
                case StructType s:
                    if (!Features.Has(Feature.Gc)) FeatureMissing(-1, "struct types", Feature.Gc);
                    foreach (var fld in s.Fields) CheckValType(fld.Storage, end, -1);
                    break;
                case ArrayType a:
                    if (!Features.Has(Feature.Gc)) FeatureMissing(-1, "array types", Feature.Gc);
                    CheckValType(a.Element.Storage, end, -1);
                    break;
            }
            if (st.Supertypes.Length > 1) ValidationError.Throw(-1, $"type {i} has multiple supertypes");
            if ((st.Supertypes.Length > 0 || !st.Final) && !Features.Has(Feature.Gc)) FeatureMissing(-1, "sub types", Feature.Gc);
            foreach (uint s in st.Supertypes)
            {
                if (s >= (uint)end) ValidationError.Unknown(-1, "type", s);
                if (s >= (uint)i) ValidationError.Throw(-1, $"sub type {i} has forward use of type {s} as its super type");
            }
        }
        // 2. Canonical ids, so that subtyping below can compare types of this group.
        Registry.CanonicalizeGroup(_types, start, count, _canonical);
        // 3. Each declared supertype is not final and is matched structurally.
        var h = AsHierarchy;
        for (int i = start; i < end; i++)
        {
            SubType st = _types[i];
            foreach (uint s in st.Supertypes)
            {
                SubType super = _types[s];
                if (super.Final) ValidationError.Throw(-1, $"sub type {i} has final super type {s}");
                if (!Subtyping.IsCompositeSubtype(h, st.Composite, super.Composite))
                    ValidationError.Throw(-1, $"sub type {i} does not match super type {s}");
            }
        }
    }
}
