namespace Hoist.Wasm.Validation;

/// <summary>
/// What subtyping needs to know about concrete types, whatever names them: within a module a
/// concrete heap type's code is a type index, in a <see cref="TypeRegistry"/> it is a canonical id.
/// Two codes denote equivalent types iff their <see cref="CanonicalIdOf"/> are equal.
/// </summary>
public interface ITypeHierarchy
{
    CompositeKind KindOf(int code);
    int CanonicalIdOf(int code);
    /// <summary>The declared supertype's code, or -1. Chains are finite (a supertype precedes its subtype).</summary>
    int SupertypeOf(int code);
}

/// <summary>
/// The subtyping relation of Wasm 3.0 on value, reference and heap types, written once over any
/// <see cref="ITypeHierarchy"/>. Abstract heap types form four hierarchies:
/// none &lt;: i31, struct, array &lt;: eq &lt;: any (concrete struct/array types sit under struct/array);
/// nofunc &lt;: concrete func types &lt;: func; noextern &lt;: extern; noexn &lt;: exn.
/// Concrete types are related by their declared supertype chains, compared by canonical id.
/// The bottom types of unreachable code (<see cref="Bottom"/>) are subtypes of everything.
/// </summary>
public static class Subtyping
{
    const int FuncCode = -0x10, ExternCode = -0x11, AnyCode = -0x12, EqCode = -0x13, I31Code = -0x14,
        StructCode = -0x15, ArrayCode = -0x16, ExnCode = -0x17, NoExnCode = -0x0C, NoFuncCode = -0x0D,
        NoExternCode = -0x0E, NoneCode = -0x0F;

    public static bool IsValSubtype<T>(in T types, ValType a, ValType b) where T : struct, ITypeHierarchy
    {
        if (a.IsBottom()) return true;
        if (a.Kind != b.Kind) return false;
        if (a.Kind != ValKind.Ref) return true;
        if (a.Nullable && !b.Nullable) return false;
        return IsHeapSubtype(types, a.Heap, b.Heap);
    }

    public static bool IsHeapSubtype<T>(in T types, HeapType a, HeapType b) where T : struct, ITypeHierarchy
    {
        int ac = a.Code, bc = b.Code;
        if (ac == bc || a.IsBottom()) return true;
        if (ac >= 0)
        {
            if (bc >= 0)
            {
                int target = types.CanonicalIdOf(bc);
                for (int t = ac; t >= 0; t = types.SupertypeOf(t))
                    if (types.CanonicalIdOf(t) == target) return true;
                return false;
            }
            return types.KindOf(ac) switch
            {
                CompositeKind.Func => bc == FuncCode,
                CompositeKind.Struct => bc is StructCode or EqCode or AnyCode,
                _ => bc is ArrayCode or EqCode or AnyCode,
            };
        }
        if (bc >= 0)
        {
            return ac switch
            {
                NoneCode => types.KindOf(bc) != CompositeKind.Func,
                NoFuncCode => types.KindOf(bc) == CompositeKind.Func,
                _ => false,
            };
        }
        return bc switch
        {
            AnyCode => ac is EqCode or I31Code or StructCode or ArrayCode or NoneCode,
            EqCode => ac is I31Code or StructCode or ArrayCode or NoneCode,
            I31Code or StructCode or ArrayCode => ac == NoneCode,
            FuncCode => ac == NoFuncCode,
            ExternCode => ac == NoExternCode,
            ExnCode => ac == NoExnCode,
            _ => false,
        };
    }

    /// <summary>The top of the hierarchy a heap type belongs to: any, func, extern or exn.</summary>
    public static HeapType TopOf<T>(in T types, HeapType h) where T : struct, ITypeHierarchy
    {
        if (h.Code >= 0) return types.KindOf(h.Code) == CompositeKind.Func ? HeapType.Func : HeapType.Any;
        return h.Code switch
        {
            FuncCode or NoFuncCode => HeapType.Func,
            ExternCode or NoExternCode => HeapType.Extern,
            ExnCode or NoExnCode => HeapType.Exn,
            _ when h.IsBottom() => h,
            _ => HeapType.Any,
        };
    }

    /// <summary>The bottom of the hierarchy a heap type belongs to: none, nofunc, noextern or noexn.</summary>
    public static HeapType BottomOf<T>(in T types, HeapType h) where T : struct, ITypeHierarchy
    {
        HeapType top = TopOf(types, h);
        if (top == HeapType.Func) return HeapType.NoFunc;
        if (top == HeapType.Extern) return HeapType.NoExtern;
        if (top == HeapType.Exn) return HeapType.NoExn;
        return top.IsBottom() ? top : HeapType.None;
    }

    /// <summary>Whether two value types are equivalent (each a subtype of the other).</summary>
    public static bool Equivalent<T>(in T types, ValType a, ValType b) where T : struct, ITypeHierarchy
    {
        if (a.Kind != b.Kind || a.Nullable != b.Nullable) return false;
        if (a.Kind != ValKind.Ref) return true;
        int ac = a.Heap.Code, bc = b.Heap.Code;
        if (ac >= 0 && bc >= 0) return types.CanonicalIdOf(ac) == types.CanonicalIdOf(bc);
        return ac == bc;
    }

    /// <summary>Storage-type subtyping of a field (i8/i16 only match themselves) with its mutability rule:
    /// an immutable field is covariant, a mutable one invariant.</summary>
    public static bool IsFieldSubtype<T>(in T types, FieldType a, FieldType b) where T : struct, ITypeHierarchy
    {
        if (a.Mutable != b.Mutable) return false;
        if (a.Storage.IsPacked || b.Storage.IsPacked) return a.Storage.Kind == b.Storage.Kind;
        return b.Mutable ? Equivalent(types, a.Storage, b.Storage) : IsValSubtype(types, a.Storage, b.Storage);
    }

    /// <summary>Structural matching of composite types, as a <c>sub</c> declaration requires of its supertype:
    /// functions contravariant in parameters and covariant in results, structs by width and depth, arrays by depth.</summary>
    public static bool IsCompositeSubtype<T>(in T types, CompositeType a, CompositeType b) where T : struct, ITypeHierarchy
    {
        switch (a)
        {
            case FuncType fa when b is FuncType fb:
                if (fa.Params.Length != fb.Params.Length || fa.Results.Length != fb.Results.Length) return false;
                for (int i = 0; i < fa.Params.Length; i++)
                    if (!IsValSubtype(types, fb.Params[i], fa.Params[i])) return false;
                for (int i = 0; i < fa.Results.Length; i++)
                    if (!IsValSubtype(types, fa.Results[i], fb.Results[i])) return false;
                return true;
            case StructType sa when b is StructType sb:
                if (sa.Fields.Length < sb.Fields.Length) return false;
                for (int i = 0; i < sb.Fields.Length; i++)
                    if (!IsFieldSubtype(types, sa.Fields[i], sb.Fields[i])) return false;
                return true;
            case ArrayType aa when b is ArrayType ab:
                return IsFieldSubtype(types, aa.Element, ab.Element);
            default:
                return false;
        }
    }
}
