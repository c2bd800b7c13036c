using Hoist.Wasm;
using Hoist.Wasm.Validation;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>Iso-recursive type equivalence (type-equivalence.wast, type-rec.wast) and the shared <see cref="TypeRegistry"/>.</summary>
public class TypeEquivalenceTests
{
    static ModuleTypes Types(WasmModule m, TypeRegistry? r = null) => ModuleTypes.Build(m, r ?? new TypeRegistry(), FeatureSet.Default);

    static SubType Final(CompositeType c) => new(true, [], c);

    static StructType StructOf(params ValType[] fields) => new(fields.Select(f => new FieldType(f, false)).ToArray());

    [Fact]
    public void StructurallyEqualSingletonsAreEquivalent()
    {
        var m = new WasmModule();
        uint s1 = m.AddType(StructOf(I32));
        uint s2 = m.AddType(StructOf(I32));
        uint t1 = m.AddFuncType([F32, Ref(s1)], []);
        uint t2 = m.AddFuncType([F32, Ref(s2)], []);
        uint other = m.AddFuncType([F32, Ref(t1)], []);
        var t = Types(m);
        Assert.Equal(t.CanonicalIds[(int)s1], t.CanonicalIds[(int)s2]);
        Assert.Equal(t.CanonicalIds[(int)t1], t.CanonicalIds[(int)t2]);
        Assert.NotEqual(t.CanonicalIds[(int)t1], t.CanonicalIds[(int)other]);
        Assert.True(t.IsHeapSubtype(HeapType.Concrete(t1), HeapType.Concrete(t2)));
    }

    [Fact]
    public void EqualRecGroupsGiveEquivalentTypesPositionByPosition()
    {
        // (rec (type $s0 (struct (field (ref $s1)))) (type $s1 (struct (field (ref $s0))))) twice.
        var m = new WasmModule();
        uint a = m.AddRecGroup(Final(StructOf(Ref(1))), Final(StructOf(Ref(0))));
        uint b = m.AddRecGroup(Final(StructOf(Ref(3))), Final(StructOf(Ref(2))));
        var t = Types(m);
        Assert.Equal(t.CanonicalIds[(int)a], t.CanonicalIds[(int)b]);
        Assert.Equal(t.CanonicalIds[(int)a + 1], t.CanonicalIds[(int)b + 1]);
        // Both members have the same shape, but their positions in the group differ.
        Assert.NotEqual(t.CanonicalIds[(int)a], t.CanonicalIds[(int)a + 1]);
    }

    [Fact]
    public void GroupsDifferingInSizeFinalityOrSupertypesAreDistinct()
    {
        var m = new WasmModule();
        uint single = m.AddType(new FuncType([], []));
        uint pair = m.AddRecGroup(Final(new FuncType([], [])), Final(new FuncType([], [])));
        uint open = m.AddType(new FuncType([], []), final: false);
        uint sub = m.AddType(new FuncType([], []), false, open);
        var t = Types(m);
        var ids = new[] { single, pair, open, sub }.Select(i => t.CanonicalIds[(int)i]).ToArray();
        Assert.Equal(ids.Length, ids.Distinct().Count());
    }

    [Fact]
    public void ReferencesToEarlierGroupsCompareByTheirCanonicalIds()
    {
        // (rec (type $f1 (func)) (type (struct (field (ref $f1)))))
        // (rec (type $f2 (func)) (type (struct (field (ref $f1)))))   — the struct refers outside its group
        var m = new WasmModule();
        uint g1 = m.AddRecGroup(Final(new FuncType([], [])), Final(StructOf(Ref(0))));
        uint g2 = m.AddRecGroup(Final(new FuncType([], [])), Final(StructOf(Ref(0))));
        var t = Types(m);
        // In g1 the field refers to the group's own position 0, in g2 to an earlier group: different groups.
        Assert.NotEqual(t.CanonicalIds[(int)g1], t.CanonicalIds[(int)g2]);
    }

    [Fact]
    public void OneRegistryGivesTheSameIdsToEquivalentTypesOfDifferentModules()
    {
        var registry = new TypeRegistry();
        WasmModule Make(int padding)
        {
            var m = new WasmModule();
            for (int i = 0; i < padding; i++) m.AddFuncType([I64], []);
            uint s = (uint)m.Types.Count;
            m.AddRecGroup(new SubType(false, [], StructOf(Ref(s + 1, true))), new SubType(false, [s], StructOf(Ref(s + 1, true), I32)));
            return m;
        }
        var a = Types(Make(0), registry);
        var b = Types(Make(3), registry);
        Assert.Equal(a.CanonicalIds[0], b.CanonicalIds[3]);
        Assert.Equal(a.CanonicalIds[1], b.CanonicalIds[4]);
        CanonicalType sub = registry[a.CanonicalIds[1]];
        Assert.Equal(a.CanonicalIds[0], sub.Supertype);
        Assert.Equal(1, sub.Depth);
        Assert.True(registry.IsSubtype(a.CanonicalIds[1], b.CanonicalIds[3]));
        Assert.False(registry.IsSubtype(b.CanonicalIds[3], a.CanonicalIds[1]));
        // Canonical structure refers to canonical ids.
        var field = ((StructType)registry[b.CanonicalIds[3]].Composite).Fields[0].Storage;
        Assert.Equal(a.CanonicalIds[1], field.Heap.Code);
        Assert.True(registry.IsSubtype(TypeRegistry.ToCanonical(Ref(4), b.CanonicalIds), TypeRegistry.ToCanonical(Ref(0, true), a.CanonicalIds)));
    }

    [Fact]
    public void ConcurrentCanonicalisationAgreesOnIds()
    {
        var registry = new TypeRegistry();
        var results = new int[16][];
        Parallel.For(0, results.Length, i =>
        {
            var m = new WasmModule();
            for (int k = 0; k < 50; k++)
                m.AddRecGroup(Final(StructOf(k % 2 == 0 ? I32 : I64, Ref((uint)m.Types.Count + 1, true))), Final(new ArrayType(new FieldType(Ref((uint)m.Types.Count, true), true))));
            results[i] = Types(m, registry).CanonicalIds.ToArray();
        });
        foreach (var r in results) Assert.Equal(results[0], r);
        // Only two distinct groups exist (k even / odd), so four canonical types.
        Assert.Equal(4, registry.Count);
    }

    [Fact]
    public void ImplicitFunctionTypeIsNotAMemberOfALargerGroup()
    {
        // type-rec.wast: (rec (type $ft (func)) (type (func))) (func $f) (global (ref $ft) (ref.func $f)) is invalid.
        var m = new WasmModule();
        uint ft = m.AddRecGroup(Final(new FuncType([], [])), Final(new FuncType([], [])));
        uint f = m.AddFunc([], [], new Code().End());
        m.Globals.Add(new GlobalDef(new GlobalType(Ref(ft), false), Const(new Code().Op(Opcode.RefFunc, f).End())));
        Invalid(m, "type mismatch");

        var ok = new WasmModule();
        uint ft2 = ok.AddType(new FuncType([], []));
        uint f2 = ok.AddFunc([], [], new Code().End());
        ok.Globals.Add(new GlobalDef(new GlobalType(Ref(ft2), false), Const(new Code().Op(Opcode.RefFunc, f2).End())));
        Valid(ok);
    }

    [Fact]
    public void SubtypingAcrossEquivalentHierarchies()
    {
        // type-subtyping.wast: $g12 <: $g11 and the identical second group makes $g22 <: $g11 too,
        // while a type declared under a structurally equal but distinct supertype is not related.
        var m = new WasmModule();
        uint g11 = m.AddRecGroup(new SubType(false, [], new FuncType([], [])), new SubType(false, [0], new FuncType([], [])));
        uint g21 = m.AddRecGroup(new SubType(false, [], new FuncType([], [])), new SubType(false, [2], new FuncType([], [])));
        var t = Types(m);
        Assert.True(t.IsHeapSubtype(HeapType.Concrete(g21 + 1), HeapType.Concrete(g11)));
        Assert.True(t.IsHeapSubtype(HeapType.Concrete(g11 + 1), HeapType.Concrete(g21)));

        var m2 = new WasmModule();
        m2.AddRecGroup(new SubType(false, [], new FuncType([], [])), new SubType(false, [0], new FuncType([], [])));
        m2.AddRecGroup(new SubType(false, [], new FuncType([], [])), new SubType(false, [0], new FuncType([], [])));
        var t2 = Types(m2);
        // The second group's member 1 points outside its group, so the groups differ: 3 is not under 2.
        Assert.False(t2.IsHeapSubtype(HeapType.Concrete(3), HeapType.Concrete(2)));
        Assert.True(t2.IsHeapSubtype(HeapType.Concrete(3), HeapType.Concrete(0)));
    }
}
