using Hoist.Wasm;
using Hoist.Wasm.Validation;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>The subtyping relation: abstract heap types, nullability, concrete types through declared supertypes.</summary>
public class SubtypingTests
{
    static HeapType H(string name) => name switch
    {
        "func" => HeapType.Func, "extern" => HeapType.Extern, "any" => HeapType.Any, "eq" => HeapType.Eq,
        "i31" => HeapType.I31, "struct" => HeapType.Struct, "array" => HeapType.Array, "exn" => HeapType.Exn,
        "noexn" => HeapType.NoExn, "nofunc" => HeapType.NoFunc, "noextern" => HeapType.NoExtern, "none" => HeapType.None,
        _ => throw new ArgumentException(name),
    };

    static readonly string[] s_abstract = ["func", "extern", "any", "eq", "i31", "struct", "array", "exn", "noexn", "nofunc", "noextern", "none"];

    // The pairs (sub, super) of distinct abstract heap types that are in the relation; every other distinct pair is not.
    static readonly HashSet<(string, string)> s_related =
    [
        ("eq", "any"), ("i31", "any"), ("struct", "any"), ("array", "any"), ("none", "any"),
        ("i31", "eq"), ("struct", "eq"), ("array", "eq"), ("none", "eq"),
        ("none", "i31"), ("none", "struct"), ("none", "array"),
        ("nofunc", "func"), ("noextern", "extern"), ("noexn", "exn"),
    ];

    static ModuleTypes Types(WasmModule m) => ModuleTypes.Build(m, new TypeRegistry(), FeatureSet.Default);

    [Fact]
    public void AbstractHeapTypesFormFourHierarchies()
    {
        var types = Types(new WasmModule());
        foreach (string a in s_abstract)
        foreach (string b in s_abstract)
        {
            bool expected = a == b || s_related.Contains((a, b));
            Assert.True(expected == types.IsHeapSubtype(H(a), H(b)), $"{a} <: {b} should be {expected}");
        }
    }

    [Fact]
    public void NullableIsNotASubtypeOfNonNullable()
    {
        var types = Types(new WasmModule());
        Assert.True(types.IsSubtype(Ref(HeapType.Any), Ref(HeapType.Any, nullable: true)));
        Assert.False(types.IsSubtype(Ref(HeapType.Any, nullable: true), Ref(HeapType.Any)));
        Assert.True(types.IsSubtype(Ref(HeapType.None, nullable: true), ValType.AnyRef));
        Assert.False(types.IsSubtype(ValType.I32, ValType.I64));
        Assert.False(types.IsSubtype(ValType.FuncRef, ValType.I32));
    }

    [Fact]
    public void ConcreteTypesSitUnderTheirAbstractKindAndAboveItsBottom()
    {
        var m = new WasmModule();
        uint f = m.AddFuncType([], []);
        uint s = m.AddType(new StructType([]));
        uint a = m.AddType(new ArrayType(new FieldType(I32, false)));
        var t = Types(m);
        Assert.True(t.IsHeapSubtype(HeapType.Concrete(f), HeapType.Func));
        Assert.False(t.IsHeapSubtype(HeapType.Concrete(f), HeapType.Any));
        Assert.True(t.IsHeapSubtype(HeapType.NoFunc, HeapType.Concrete(f)));
        Assert.False(t.IsHeapSubtype(HeapType.None, HeapType.Concrete(f)));
        foreach (uint x in new[] { s, a })
        {
            Assert.True(t.IsHeapSubtype(HeapType.Concrete(x), HeapType.Eq));
            Assert.True(t.IsHeapSubtype(HeapType.Concrete(x), HeapType.Any));
            Assert.True(t.IsHeapSubtype(HeapType.None, HeapType.Concrete(x)));
            Assert.False(t.IsHeapSubtype(HeapType.Concrete(x), HeapType.I31));
            Assert.False(t.IsHeapSubtype(HeapType.Concrete(x), HeapType.Func));
        }
        Assert.True(t.IsHeapSubtype(HeapType.Concrete(s), HeapType.Struct));
        Assert.False(t.IsHeapSubtype(HeapType.Concrete(s), HeapType.Array));
        Assert.True(t.IsHeapSubtype(HeapType.Concrete(a), HeapType.Array));
        Assert.False(t.IsHeapSubtype(HeapType.Concrete(s), HeapType.Concrete(a)));
        Assert.Equal(HeapType.Func, t.TopOf(HeapType.Concrete(f)));
        Assert.Equal(HeapType.Any, t.TopOf(HeapType.Concrete(s)));
        Assert.Equal(HeapType.Exn, t.TopOf(HeapType.NoExn));
    }

    [Fact]
    public void ConcreteSubtypingFollowsTheDeclaredChain()
    {
        var m = new WasmModule();
        uint a = m.AddType(new StructType([]), final: false);
        uint b = m.AddType(new StructType([new FieldType(I32, false)]), false, a);
        uint c = m.AddType(new StructType([new FieldType(I32, false), new FieldType(I64, true)]), true, b);
        uint other = m.AddType(new StructType([new FieldType(I32, false)]), false);
        var t = Types(m);
        Assert.True(t.IsHeapSubtype(HeapType.Concrete(c), HeapType.Concrete(a)));
        Assert.True(t.IsHeapSubtype(HeapType.Concrete(c), HeapType.Concrete(b)));
        Assert.False(t.IsHeapSubtype(HeapType.Concrete(a), HeapType.Concrete(b)));
        // Structurally equal to b, but not declared under a: no relation (subtyping is nominal via declarations).
        Assert.False(t.IsHeapSubtype(HeapType.Concrete(other), HeapType.Concrete(a)));
        Assert.False(t.IsHeapSubtype(HeapType.Concrete(c), HeapType.Concrete(other)));
    }

    [Fact]
    public void BottomTypesOfUnreachableCodeAreSubtypesOfEverything()
    {
        var t = Types(new WasmModule());
        Assert.True(t.IsSubtype(Bottom.Value, ValType.V128));
        Assert.True(t.IsSubtype(Bottom.Value, Ref(HeapType.Extern)));
        Assert.True(t.IsSubtype(Ref(Bottom.Heap), Ref(HeapType.NoFunc)));
        Assert.False(t.IsSubtype(ValType.I32, Bottom.Value));
    }

    // ---- sub declarations (type-subtyping.wast)

    static void SubInvalid(CompositeType super, CompositeType sub, bool superFinal = false)
    {
        var m = new WasmModule();
        uint s = m.AddType(super, superFinal);
        m.AddType(sub, false, s);
        Invalid(m, "sub type");
    }

    static void SubValid(CompositeType super, CompositeType sub)
    {
        var m = new WasmModule();
        uint s = m.AddType(super, final: false);
        m.AddType(sub, false, s);
        Valid(m);
    }

    static FieldType Fld(ValType t, bool mutable = false) => new(t, mutable);

    [Fact]
    public void FinalSupertypesAreRejected()
    {
        SubInvalid(new FuncType([], []), new FuncType([], []), superFinal: true);
        SubInvalid(new StructType([]), new StructType([]), superFinal: true);
    }

    [Fact]
    public void SupertypeMustHaveTheSameKind()
    {
        SubInvalid(new ArrayType(Fld(I32)), new StructType([]));
        SubInvalid(new FuncType([I32], [I32]), new StructType([]));
        SubInvalid(new StructType([]), new ArrayType(Fld(I32)));
        SubInvalid(new StructType([]), new FuncType([], []));
    }

    [Fact]
    public void FunctionsAreContravariantInParamsAndCovariantInResults()
    {
        SubValid(new FuncType([Ref(HeapType.Eq)], [ValType.AnyRef]), new FuncType([ValType.AnyRef], [Ref(HeapType.Eq)]));
        SubInvalid(new FuncType([ValType.AnyRef], []), new FuncType([Ref(HeapType.Eq)], []));
        SubInvalid(new FuncType([], [Ref(HeapType.Eq)]), new FuncType([], [ValType.AnyRef]));
        SubInvalid(new FuncType([], []), new FuncType([I32], []));
    }

    [Fact]
    public void StructsHaveWidthAndDepthSubtypingWithInvariantMutableFields()
    {
        SubValid(new StructType([Fld(ValType.AnyRef)]), new StructType([Fld(Ref(HeapType.None)), Fld(I64, true)]));
        SubInvalid(new StructType([Fld(I32)]), new StructType([Fld(I64)]));
        SubInvalid(new StructType([Fld(I32), Fld(I32)]), new StructType([Fld(I32)]));
        SubInvalid(new StructType([Fld(Ref(HeapType.None))]), new StructType([Fld(Ref(HeapType.Any))]));
        SubInvalid(new StructType([Fld(Ref(HeapType.Any), true)]), new StructType([Fld(Ref(HeapType.None), true)]));
        SubInvalid(new StructType([Fld(Ref(HeapType.Any), true)]), new StructType([Fld(Ref(HeapType.Any))]));
        SubInvalid(new StructType([Fld(Ref(HeapType.Any))]), new StructType([Fld(Ref(HeapType.Any), true)]));
        SubInvalid(new StructType([Fld(ValType.I8)]), new StructType([Fld(ValType.I16)]));
    }

    [Fact]
    public void ArraysHaveDepthSubtyping()
    {
        SubValid(new ArrayType(Fld(ValType.AnyRef)), new ArrayType(Fld(Ref(HeapType.I31))));
        SubInvalid(new ArrayType(Fld(I32)), new ArrayType(Fld(I64)));
        SubInvalid(new ArrayType(Fld(Ref(HeapType.None))), new ArrayType(Fld(Ref(HeapType.Any))));
        SubInvalid(new ArrayType(Fld(Ref(HeapType.Any), true)), new ArrayType(Fld(Ref(HeapType.None), true)));
    }

    [Fact]
    public void SupertypeMustPrecedeItsSubtype()
    {
        var m = new WasmModule();
        m.AddRecGroup(
            new SubType(false, [1], new StructType([])),
            new SubType(false, [], new StructType([])));
        Invalid(m, "sub type 0 has forward use of type 1");
        var m2 = new WasmModule();
        m2.AddType(new StructType([]), false, 5);
        Invalid(m2, "unknown type 5");
    }

    [Fact]
    public void TypeReferencesMayNotReachPastTheirRecGroup()
    {
        var m = new WasmModule();
        m.AddFuncType([Ref(1)], []);
        m.AddFuncType([], []);
        Invalid(m, "unknown type");
        var rec = new WasmModule();
        rec.AddRecGroup(
            new SubType(true, [], new FuncType([Ref(1)], [])),
            new SubType(true, [], new FuncType([], [Ref(0)])));
        Valid(rec);
    }

    [Fact]
    public void SubtypingInsideARecGroupUsesTheGroupsOwnTypes()
    {
        // (rec (type $t1 (sub (func (param i32) (result (ref $t1)))))
        //      (type $t2 (sub $t1 (func (param i32) (result (ref $t2))))))
        var m = new WasmModule();
        m.AddRecGroup(
            new SubType(false, [], new FuncType([I32], [Ref(0)])),
            new SubType(false, [0], new FuncType([I32], [Ref(1)])));
        Valid(m);
    }
}
