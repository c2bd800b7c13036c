using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>GC instructions (structs, arrays, i31, casts, conversions) and exception handling, new and legacy.</summary>
public class GcAndExceptionTests
{
    static FieldType Fld(ValType t, bool mutable = false) => new(t, mutable);

    /// <summary>A module whose type 0 is <paramref name="composite"/>, with a function of the given signature.</summary>
    static WasmModule With(CompositeType composite, ValType[] parameters, ValType[] results, Code body)
    {
        var m = new WasmModule();
        m.AddType(composite);
        m.AddFunc(parameters, results, body);
        return m;
    }

    [Fact]
    public void StructInstructions()
    {
        var st = new StructType([Fld(I32), Fld(ValType.I8, true), Fld(Ref(HeapType.Any))]);
        Valid(With(st, [], [Ref(0)], new Code().I32(1).I32(2).I32(0).Op(Opcode.RefI31).Op(Opcode.StructNew, 0).End()));
        Invalid(With(st, [], [Ref(0)], new Code().I32(1).I32(2).Op(Opcode.StructNew, 0).End()), "type mismatch");
        // A non-nullable field has no default.
        Invalid(With(st, [], [Ref(0)], new Code().Op(Opcode.StructNewDefault, 0).End()), "field type");
        Valid(With(new StructType([Fld(I32), Fld(ValType.I8, true)]), [], [Ref(0)], new Code().Op(Opcode.StructNewDefault, 0).End()));
        Valid(With(st, [Ref(0, true)], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.StructGetS, 0, 1).End()));
        Invalid(With(st, [Ref(0, true)], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.StructGet, 0, 1).End()), "field is packed");
        Invalid(With(st, [Ref(0, true)], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.StructGetU, 0, 0).End()), "field is unpacked");
        Invalid(With(st, [Ref(0, true)], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.StructGet, 0, 3).End()), "unknown field 3");
        Valid(With(st, [Ref(0, true)], [], new Code().Op(Opcode.LocalGet, 0).I32(300).Op(Opcode.StructSet, 0, 1).End()));
        Invalid(With(st, [Ref(0, true)], [], new Code().Op(Opcode.LocalGet, 0).I32(3).Op(Opcode.StructSet, 0, 0).End()), "immutable field");
        Invalid(With(new ArrayType(Fld(I32)), [], [], new Code().Op(Opcode.StructNewDefault, 0).Op(Opcode.Drop).End()), "type mismatch");
        Invalid(With(st, [], [], new Code().Op(Opcode.StructNewDefault, 4).Op(Opcode.Drop).End()), "unknown type 4");
    }

    [Fact]
    public void ArrayInstructions()
    {
        var arr = new ArrayType(Fld(ValType.I16, true));
        Valid(With(arr, [], [Ref(0)], new Code().I32(0).I32(10).Op(Opcode.ArrayNew, 0).End()));
        Valid(With(arr, [], [Ref(0)], new Code().I32(10).Op(Opcode.ArrayNewDefault, 0).End()));
        Valid(With(arr, [], [Ref(0)], new Code().I32(1).I32(2).I32(3).Op(Opcode.ArrayNewFixed, 0, 3).End()));
        Invalid(With(arr, [], [Ref(0)], new Code().I32(1).I32(2).Op(Opcode.ArrayNewFixed, 0, 3).End()), "type mismatch");
        // array.new_fixed of a huge count in unreachable code costs nothing.
        Valid(With(arr, [], [Ref(0)], new Code().Op(Opcode.Unreachable).Op(Opcode.ArrayNewFixed, 0, uint.MaxValue).End()));
        Valid(With(arr, [Ref(0, true)], [I32], new Code().Op(Opcode.LocalGet, 0).I32(1).Op(Opcode.ArrayGetU, 0).End()));
        Invalid(With(arr, [Ref(0, true)], [I32], new Code().Op(Opcode.LocalGet, 0).I32(1).Op(Opcode.ArrayGet, 0).End()), "array is packed");
        Valid(With(arr, [Ref(0, true)], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.ArrayLen).End()));
        Valid(With(arr, [Ref(0, true)], [], new Code().Op(Opcode.LocalGet, 0).I32(0).I32(7).I32(2).Op(Opcode.ArrayFill, 0).End()));
        var immutable = new ArrayType(Fld(I32));
        Invalid(With(immutable, [Ref(0, true)], [], new Code().Op(Opcode.LocalGet, 0).I32(0).I32(7).Op(Opcode.ArraySet, 0).End()), "immutable array");
        Invalid(With(immutable, [Ref(0, true)], [], new Code().Op(Opcode.LocalGet, 0).I32(0).I32(7).I32(2).Op(Opcode.ArrayFill, 0).End()), "immutable array");
    }

    [Fact]
    public void ArrayCopyNeedsCompatibleElementTypes()
    {
        var m = new WasmModule();
        m.AddType(new ArrayType(Fld(ValType.AnyRef, true)));
        m.AddType(new ArrayType(Fld(Ref(HeapType.I31, true))));
        m.AddType(new ArrayType(Fld(ValType.I8, true)));
        var copy = new Code().Op(Opcode.LocalGet, 0).I32(0).Op(Opcode.LocalGet, 1).I32(0).I32(1);
        m.AddFunc([Ref(0, true), Ref(1, true)], [], copy.Op(Opcode.ArrayCopy, 0, 1).End());
        Valid(m);
        var bad = new WasmModule();
        bad.AddType(new ArrayType(Fld(ValType.AnyRef, true)));
        bad.AddType(new ArrayType(Fld(Ref(HeapType.I31, true), true)));
        bad.AddFunc([Ref(1, true), Ref(0, true)], [], new Code().Op(Opcode.LocalGet, 0).I32(0).Op(Opcode.LocalGet, 1).I32(0).I32(1).Op(Opcode.ArrayCopy, 1, 0).End());
        Invalid(bad, "array types do not match");
    }

    [Fact]
    public void ArraysFromSegments()
    {
        var numeric = new WasmModule();
        numeric.AddType(new ArrayType(Fld(I32, true)));
        numeric.AddFunc([], [Ref(0)], new Code().I32(0).I32(1).Op(Opcode.ArrayNewData, 0, 0).End());
        numeric.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[8]));
        numeric.DataCount = 1;
        Valid(numeric);
        var refs = new WasmModule();
        refs.AddType(new ArrayType(Fld(ValType.FuncRef, true)));
        refs.AddFunc([], [Ref(0)], new Code().I32(0).I32(1).Op(Opcode.ArrayNewData, 0, 0).End());
        refs.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[8]));
        refs.DataCount = 1;
        Invalid(refs, "array type is not numeric or vector");
        var elems = new WasmModule();
        elems.AddType(new ArrayType(Fld(Ref(HeapType.Any, true), true)));
        elems.AddFunc([], [Ref(0)], new Code().I32(0).I32(1).Op(Opcode.ArrayNewElem, 0, 0).End());
        elems.Elements.Add(new ElementSegment(SegmentMode.Passive, ValType.FuncRef, 0, null, [], null));
        Invalid(elems, "type mismatch");
    }

    [Fact]
    public void CastsTakeAnOperandOfTheTargetsHierarchy()
    {
        var st = new StructType([]);
        Valid(With(st, [ValType.AnyRef], [Ref(0)], new Code().Op(Opcode.LocalGet, 0).Heap(Opcode.RefCast, HeapType.Concrete(0)).End()));
        Valid(With(st, [ValType.AnyRef], [Ref(0, true)], new Code().Op(Opcode.LocalGet, 0).Heap(Opcode.RefCastNull, HeapType.Concrete(0)).End()));
        Invalid(With(st, [ValType.AnyRef], [Ref(0)], new Code().Op(Opcode.LocalGet, 0).Heap(Opcode.RefCastNull, HeapType.Concrete(0)).End()), "type mismatch");
        Invalid(With(st, [ValType.FuncRef], [I32], new Code().Op(Opcode.LocalGet, 0).Heap(Opcode.RefTest, HeapType.Concrete(0)).End()), "type mismatch");
        Valid(With(st, [ValType.ExternRef], [I32], new Code().Op(Opcode.LocalGet, 0).Heap(Opcode.RefTestNull, HeapType.NoExtern).End()));
        Valid(With(st, [ValType.AnyRef, ValType.AnyRef], [I32], new Code().Op(Opcode.LocalGet, 0).Heap(Opcode.RefCast, HeapType.Eq).Op(Opcode.LocalGet, 1).Heap(Opcode.RefCast, HeapType.I31).Op(Opcode.RefEq).End()));
        Invalid(With(st, [ValType.AnyRef, ValType.AnyRef], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.LocalGet, 1).Op(Opcode.RefEq).End()), "type mismatch");
    }

    [Fact]
    public void BranchesOnCast()
    {
        var st = new StructType([]);
        ValType anyRef = ValType.AnyRef, s = Ref(0), sNull = Ref(0, true);
        // br_on_cast $l anyref (ref $s): branches with (ref $s), falls through with anyref.
        Valid(With(st, [anyRef], [], new Code().Block(Opcode.Block, s).Op(Opcode.LocalGet, 0).BrOnCast(Opcode.BrOnCast, 0, anyRef, s).Op(Opcode.Drop).Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()));
        // The label must accept what is branched with.
        Invalid(With(st, [anyRef], [], new Code().Block(Opcode.Block, s).Op(Opcode.LocalGet, 0).BrOnCast(Opcode.BrOnCast, 0, anyRef, sNull).Op(Opcode.Drop).Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()), "type mismatch");
        // br_on_cast_fail branches with the difference: anyref minus (ref null $s) is (ref any).
        Valid(With(st, [anyRef], [], new Code().Block(Opcode.Block, Ref(HeapType.Any)).Op(Opcode.LocalGet, 0).BrOnCast(Opcode.BrOnCastFail, 0, anyRef, sNull).Op(Opcode.Drop).Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()));
        // The target type must be a subtype of the source type.
        Invalid(With(st, [anyRef], [], new Code().Block(Opcode.Block, ValType.FuncRef).Op(Opcode.LocalGet, 0).BrOnCast(Opcode.BrOnCast, 0, anyRef, ValType.FuncRef).Op(Opcode.Drop).Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()), "type mismatch");
        Invalid(With(st, [ValType.ExternRef], [], new Code().Block(Opcode.Block, s).Op(Opcode.LocalGet, 0).BrOnCast(Opcode.BrOnCast, 0, anyRef, s).Op(Opcode.Drop).Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()), "type mismatch");
    }

    [Fact]
    public void ConversionsKeepNullabilityAndI31Works()
    {
        Valid(Func([Ref(HeapType.Extern)], [Ref(HeapType.Any)], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.AnyConvertExtern).End()));
        Invalid(Func([ValType.ExternRef], [Ref(HeapType.Any)], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.AnyConvertExtern).End()), "type mismatch");
        Valid(Func([ValType.AnyRef], [ValType.ExternRef], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.ExternConvertAny).End()));
        Valid(Func([], [I32], new Code().I32(5).Op(Opcode.RefI31).Op(Opcode.I31GetS).End()));
        Invalid(Func([ValType.AnyRef], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.I31GetU).End()), "type mismatch");
    }

    // ---- exceptions

    static WasmModule WithTag(ValType[] tagParams, ValType[] results, Code body, ValType[]? parameters = null)
    {
        var m = new WasmModule();
        m.Tags.Add(new TagType(m.AddFuncType(tagParams, [])));
        m.AddFunc(parameters ?? [], results, body);
        return m;
    }

    [Fact]
    public void ThrowPopsTheTagsParameters()
    {
        Valid(WithTag([I32], [], new Code().I32(1).Op(Opcode.Throw, 0).End()));
        Assert.Equal("type mismatch: instruction requires [i32] but stack has []",
            Invalid(WithTag([I32], [], new Code().Op(Opcode.Throw, 0).End()), "type mismatch").Message);
        Assert.Equal("type mismatch: instruction requires [i32] but stack has [i64]",
            Invalid(WithTag([I32], [], new Code().I64(5).Op(Opcode.Throw, 0).End()), "type mismatch").Message);
        Invalid(Func([], [], new Code().Op(Opcode.Throw, 0).End()), "unknown tag 0");
        Valid(WithTag([], [I32], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.ThrowRef).End(), [ValType.ExnRef]));
        Invalid(WithTag([], [], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.ThrowRef).End(), [ValType.AnyRef]), "type mismatch");
    }

    [Fact]
    public void TryTableCatchesMustMatchTheirLabels()
    {
        // (block (result i32) (try_table (catch 0 0) ...) unreachable)
        Valid(WithTag([I32], [I32], new Code().Block(Opcode.Block, I32).TryTable(null, new CatchClause(CatchKind.Catch, 0, 0)).End().Op(Opcode.Unreachable).End().End()));
        Invalid(WithTag([I32], [I64], new Code().Block(Opcode.Block, I64).TryTable(null, new CatchClause(CatchKind.Catch, 0, 0)).End().Op(Opcode.Unreachable).End().End()), "type mismatch");
        Valid(WithTag([I32], [], new Code().Block(Opcode.Block, ValType.ExnRef).TryTable(null, new CatchClause(CatchKind.CatchAllRef, 0, 0)).End().Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()));
        Invalid(WithTag([I32], [], new Code().Block(Opcode.Block, I32).TryTable(null, new CatchClause(CatchKind.CatchAll, 0, 0)).End().Op(Opcode.Unreachable).End().Op(Opcode.Drop).End()), "type mismatch");
        // catch_ref delivers the tag's values and then (ref exn).
        var m = new WasmModule();
        m.Tags.Add(new TagType(m.AddFuncType([I32], [])));
        uint bt = m.AddFuncType([], [I32, ValType.ExnRef]);
        m.AddFunc([], [], new Code().BlockOfType(Opcode.Block, bt).TryTable(null, new CatchClause(CatchKind.CatchRef, 0, 0)).End().Op(Opcode.Unreachable).End().Op(Opcode.Drop).Op(Opcode.Drop).End());
        Valid(m);
        // Catch labels count from outside the try_table.
        Invalid(WithTag([], [], new Code().TryTable(null, new CatchClause(CatchKind.CatchAll, 0, 1)).End().End()), "unknown label 1");
        Invalid(WithTag([], [], new Code().TryTable(null, new CatchClause(CatchKind.Catch, 3, 0)).End().End()), "unknown tag 3");
        // The body is a block with its own result.
        Valid(WithTag([], [I32], new Code().TryTable(I32).I32(1).End().End()));
    }

    [Fact]
    public void TagsMustHaveEmptyResults()
    {
        var m = new WasmModule();
        m.Tags.Add(new TagType(m.AddFuncType([], [I32])));
        Invalid(m, "non-empty tag result type");
    }

    // legacy/try_catch.wast, rethrow.wast, try_delegate.wast
    [Fact]
    public void LegacyTryCatch()
    {
        Valid(WithTag([I64], [I32], new Code().Block(Opcode.Try, I32).I32(1).Op(Opcode.Catch, 0).Op(Opcode.Drop).I32(2).Op(Opcode.CatchAll).I32(3).End().End()));
        Assert.Equal("type mismatch: block requires [] but stack has [i32]",
            Invalid(WithTag([], [], new Code().Block(Opcode.Try).Op(Opcode.Catch, 0).I32(42).End().End()), "type mismatch").Message);
        Invalid(WithTag([I64], [I32], new Code().Block(Opcode.Try, I32).I32(42).Op(Opcode.Catch, 0).End().End()), "type mismatch: instruction requires [i32] but stack has [i64]");
        Invalid(WithTag([], [], new Code().Block(Opcode.Block).Op(Opcode.CatchAll).End().End()), "catch_all found outside of a try block");
        Invalid(WithTag([], [], new Code().Block(Opcode.Try).Op(Opcode.CatchAll).Op(Opcode.Catch, 0).End().End()), "catch found outside of a try block");
    }

    [Fact]
    public void LegacyRethrowAndDelegate()
    {
        Valid(WithTag([], [], new Code().Block(Opcode.Try).Op(Opcode.CatchAll).Block(Opcode.Block).Op(Opcode.Rethrow, 1).End().End().End()));
        Invalid(WithTag([], [], new Code().Block(Opcode.Try).Op(Opcode.Rethrow, 0).End().End()), "invalid rethrow label");
        Invalid(WithTag([], [], new Code().Block(Opcode.Try).Op(Opcode.CatchAll).Op(Opcode.Rethrow, 1).End().End()), "invalid rethrow label");
        // delegate 0 from the function's outermost try delegates to the caller.
        Valid(WithTag([], [I32], new Code().Block(Opcode.Try, I32).I32(1).Op(Opcode.Delegate, 0).End()));
        Invalid(WithTag([], [], new Code().Block(Opcode.Try).Op(Opcode.Delegate, 1).End()), "unknown label 1");
        Invalid(WithTag([], [], new Code().Block(Opcode.Block).Op(Opcode.Delegate, 0).End()), "delegate found outside of a try block");
    }

    [Fact]
    public void DisabledFeaturesRejectTheirOperators()
    {
        var noLegacy = FeatureSet.Default.Without(Feature.Legacyexceptions);
        Invalid(WithTag([], [], new Code().Block(Opcode.Try).End().End()), "try requires the legacyexceptions feature", noLegacy);
        Invalid(Func([], [], new Code().Op(Opcode.AtomicFence).Raw(0).End()), "atomic.fence requires the threads feature");
        Valid(Func([], [], new Code().Op(Opcode.AtomicFence).Raw(0).End()), FeatureSet.All);
        Invalid(Func([], [I32], new Code().I32(1).I32(2).Op(Opcode.I32Add).End()), "i32.const requires the mvp feature", new FeatureSet(0));
        Invalid(Func([], [], new Code().Op(Opcode.StructNewDefault, 0).Op(Opcode.Drop).End()), "struct.new_default requires the gc feature", FeatureSet.Default.Without(Feature.Gc));
    }
}
