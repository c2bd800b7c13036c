using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Validation;

/// <summary>GC instructions: structs, arrays, casts and extern/any conversion.</summary>
public sealed partial class FuncValidator
{
    static ValType RefTo(uint typeIndex, bool nullable) => ValType.Ref(HeapType.Concrete(typeIndex), nullable);

    void StructNew(uint typeIndex, int at)
    {
        FieldType[] fields = _types.StructTypeAt(typeIndex, at).Fields;
        Span<ValType> expected = Scratch(fields.Length);
        for (int i = 0; i < fields.Length; i++) expected[i] = fields[i].Storage.Unpacked;
        PopValues(expected, at);
        Push(RefTo(typeIndex, nullable: false));
    }

    void StructNewDefault(uint typeIndex, int at)
    {
        foreach (var f in _types.StructTypeAt(typeIndex, at).Fields)
            if (!f.Storage.IsDefaultable) ValidationError.Throw(at, $"field type {TypeText.Of(f.Storage)} is not defaultable");
        Push(RefTo(typeIndex, nullable: false));
    }

    FieldType Field(uint typeIndex, uint fieldIndex, int at)
    {
        FieldType[] fields = _types.StructTypeAt(typeIndex, at).Fields;
        if (fieldIndex >= (uint)fields.Length) ValidationError.Unknown(at, "field", fieldIndex);
        return fields[fieldIndex];
    }

    /// <summary>Packed fields need get_s/get_u, unpacked ones plain get (<paramref name="signed"/> null).</summary>
    static void CheckPacking(FieldType f, bool? signed, string what, int at)
    {
        if (f.Storage.IsPacked && signed is null) ValidationError.Throw(at, $"{what} is packed");
        if (!f.Storage.IsPacked && signed is not null) ValidationError.Throw(at, $"{what} is unpacked");
    }

    void StructGet(uint typeIndex, uint fieldIndex, bool? signed, int at)
    {
        FieldType f = Field(typeIndex, fieldIndex, at);
        CheckPacking(f, signed, "field", at);
        Pop(RefTo(typeIndex, nullable: true), at);
        Push(f.Storage.Unpacked);
    }

    void StructSet(uint typeIndex, uint fieldIndex, int at)
    {
        FieldType f = Field(typeIndex, fieldIndex, at);
        if (!f.Mutable) ValidationError.Throw(at, $"immutable field {fieldIndex}");
        Span<ValType> expected = [RefTo(typeIndex, nullable: true), f.Storage.Unpacked];
        PopValues(expected, at);
    }

    FieldType Element(uint typeIndex, int at) => _types.ArrayTypeAt(typeIndex, at).Element;

    FieldType MutableElement(uint typeIndex, int at)
    {
        FieldType e = Element(typeIndex, at);
        if (!e.Mutable) ValidationError.Throw(at, $"immutable array {typeIndex}");
        return e;
    }

    static void RequireNumericElement(FieldType e, int at)
    {
        if (e.Storage.IsRef) ValidationError.Throw(at, "array type is not numeric or vector");
    }

    void ArrayNew(uint typeIndex, int at)
    {
        Span<ValType> expected = [Element(typeIndex, at).Storage.Unpacked, ValType.I32];
        PopValues(expected, at);
        Push(RefTo(typeIndex, nullable: false));
    }

    void ArrayNewDefault(uint typeIndex, int at)
    {
        FieldType e = Element(typeIndex, at);
        if (!e.Storage.IsDefaultable) ValidationError.Throw(at, $"array type {typeIndex} is not defaultable");
        Pop(ValType.I32, at);
        Push(RefTo(typeIndex, nullable: false));
    }

    void ArrayNewFixed(uint typeIndex, uint count, int at)
    {
        PopRepeated(Element(typeIndex, at).Storage.Unpacked, count, at);
        Push(RefTo(typeIndex, nullable: false));
    }

    void ArrayNewData(uint typeIndex, uint dataIndex, int at)
    {
        RequireNumericElement(Element(typeIndex, at), at);
        CheckData(dataIndex, at);
        Span<ValType> expected = [ValType.I32, ValType.I32];
        PopValues(expected, at);
        Push(RefTo(typeIndex, nullable: false));
    }

    void CheckElemIntoArray(FieldType e, uint elemIndex, int at)
    {
        ValType segment = ElemType(elemIndex, at);
        if (!_types.IsSubtype(segment, e.Storage))
            ValidationError.Throw(at, $"type mismatch: element segment's type {TypeText.Of(segment)} does not match array's element type {TypeText.Of(e.Storage)}");
    }

    void ArrayNewElem(uint typeIndex, uint elemIndex, int at)
    {
        CheckElemIntoArray(Element(typeIndex, at), elemIndex, at);
        Span<ValType> expected = [ValType.I32, ValType.I32];
        PopValues(expected, at);
        Push(RefTo(typeIndex, nullable: false));
    }

    void ArrayGet(uint typeIndex, bool? signed, int at)
    {
        FieldType e = Element(typeIndex, at);
        CheckPacking(e, signed, "array", at);
        Span<ValType> expected = [RefTo(typeIndex, nullable: true), ValType.I32];
        PopValues(expected, at);
        Push(e.Storage.Unpacked);
    }

    void ArraySet(uint typeIndex, int at)
    {
        FieldType e = MutableElement(typeIndex, at);
        Span<ValType> expected = [RefTo(typeIndex, nullable: true), ValType.I32, e.Storage.Unpacked];
        PopValues(expected, at);
    }

    void ArrayFill(uint typeIndex, int at)
    {
        FieldType e = MutableElement(typeIndex, at);
        Span<ValType> expected = [RefTo(typeIndex, nullable: true), ValType.I32, e.Storage.Unpacked, ValType.I32];
        PopValues(expected, at);
    }

    void ArrayCopy(uint dstType, uint srcType, int at)
    {
        FieldType d = MutableElement(dstType, at);
        FieldType s = Element(srcType, at);
        bool ok = d.Storage.IsPacked || s.Storage.IsPacked ? d.Storage.Kind == s.Storage.Kind : _types.IsSubtype(s.Storage, d.Storage);
        if (!ok) ValidationError.Throw(at, $"array types do not match: source {TypeText.Of(s.Storage)}, destination {TypeText.Of(d.Storage)}");
        Span<ValType> expected = [RefTo(dstType, nullable: true), ValType.I32, RefTo(srcType, nullable: true), ValType.I32, ValType.I32];
        PopValues(expected, at);
    }

    void ArrayInitData(uint typeIndex, uint dataIndex, int at)
    {
        FieldType e = MutableElement(typeIndex, at);
        RequireNumericElement(e, at);
        CheckData(dataIndex, at);
        Span<ValType> expected = [RefTo(typeIndex, nullable: true), ValType.I32, ValType.I32, ValType.I32];
        PopValues(expected, at);
    }

    void ArrayInitElem(uint typeIndex, uint elemIndex, int at)
    {
        FieldType e = MutableElement(typeIndex, at);
        CheckElemIntoArray(e, elemIndex, at);
        Span<ValType> expected = [RefTo(typeIndex, nullable: true), ValType.I32, ValType.I32, ValType.I32];
        PopValues(expected, at);
    }

    void RefTest(HeapType heap, bool nullable, int at)
    {
        _types.CheckHeapType(heap, at);
        Pop(ValType.Ref(_types.TopOf(heap), nullable: true), at);
        Push(ValType.I32);
    }

    void RefCast(HeapType heap, bool nullable, int at)
    {
        _types.CheckHeapType(heap, at);
        Pop(ValType.Ref(_types.TopOf(heap), nullable: true), at);
        Push(ValType.Ref(heap, nullable));
    }

    /// <summary>
    /// br_on_cast l rt1 rt2 : [t* rt1] → [t* (rt1 \ rt2)] branching with rt2; br_on_cast_fail the other way
    /// round. rt2 must be a subtype of rt1 and the label's last type a supertype of what is branched with.
    /// </summary>
    void BrOnCast(in Operator op, bool fail, int at)
    {
        _types.CheckHeapType(op.Heap, at);
        _types.CheckHeapType(op.Heap2, at);
        ValType from = ValType.Ref(op.Heap, op.Nullable);
        ValType to = ValType.Ref(op.Heap2, op.Nullable2);
        if (!_types.IsSubtype(to, from))
            ValidationError.Throw(at, $"type mismatch: cast target {TypeText.Of(to)} is not a subtype of {TypeText.Of(from)}");
        ValType rest = ValType.Ref(op.Heap, op.Nullable && !op.Nullable2);
        ValType branched = fail ? rest : to;
        ValType fallthrough = fail ? to : rest;
        ReadOnlySpan<ValType> label = LabelTypesOf(ref Label(op.Index, at));
        if (label.Length == 0 || !_types.IsSubtype(branched, label[^1]))
            ValidationError.Throw(at, $"type mismatch: instruction requires type {TypeText.Of(branched)} but label has {TypeText.Of(label)}");
        Pop(from, at);
        PopValues(label[..^1], at);
        PushValues(label[..^1]);
        Push(fallthrough);
    }

    void Convert(HeapType from, HeapType to, int at)
    {
        ValType t = Pop(ValType.Ref(from, nullable: true), at);
        Push(ValType.Ref(to, !t.IsBottom() && t.Nullable));
    }
}
