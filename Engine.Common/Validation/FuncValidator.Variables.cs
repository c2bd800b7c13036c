namespace Hoist.Wasm.Validation;

/// <summary>Parametric, variable, table, bulk-memory and basic reference instructions.</summary>
public sealed partial class FuncValidator
{
    void Select(int at)
    {
        Pop(ValType.I32, at);
        ValType a = PopAny(at);
        ValType b = PopAny(at);
        if (!IsNumericOrVector(a) || !IsNumericOrVector(b))
            ValidationError.Throw(at, $"type mismatch: select requires numeric or vector operands but stack has {TypeText.Of([b, a])}");
        if (a.IsBottom()) { Push(b); return; }
        if (!b.IsBottom() && a.Kind != b.Kind)
            ValidationError.Throw(at, $"type mismatch: select operands {TypeText.Of([b, a])} differ");
        Push(a);
    }

    static bool IsNumericOrVector(ValType t) => t.IsBottom() || t.IsNumeric || t.Kind == ValKind.V128;

    void SelectTyped(ReadOnlySpan<ValType> types, int at)
    {
        if (types.Length != 1) ValidationError.Throw(at, "invalid result arity");
        ValType t = types[0];
        _types.CheckValType(t, at);
        Span<ValType> expected = [t, t, ValType.I32];
        PopValues(expected, at);
        Push(t);
    }

    ValType LocalType(uint index, int at)
    {
        if (index >= (uint)_localCount) ValidationError.Unknown(at, "local", index);
        return _locals[index];
    }

    void LocalGet(uint index, int at)
    {
        ValType t = LocalType(index, at);
        if (!_localInit[index]) ValidationError.Throw(at, $"uninitialized local {index}");
        Push(t);
    }

    void LocalTee(uint index, int at)
    {
        ValType t = LocalType(index, at);
        Pop(t, at);
        InitLocal(index);
        Push(t);
    }

    GlobalType Global(uint index, int at)
    {
        int visible = _constMode ? _constGlobals : _ctx.Globals.Length;
        if (index >= (uint)visible) ValidationError.Unknown(at, "global", index);
        return _ctx.Globals[index];
    }

    void GlobalGet(uint index, int at)
    {
        GlobalType g = Global(index, at);
        if (_constMode && g.Mutable) ValidationError.Throw(at, "constant expression required");
        Push(g.Type);
    }

    void GlobalSet(uint index, int at)
    {
        GlobalType g = Global(index, at);
        if (!g.Mutable) ValidationError.Throw(at, $"immutable global {index}");
        Pop(g.Type, at);
    }

    void TableGet(uint index, int at)
    {
        TableType t = Table(index, at);
        Pop(t.Limits.AddressType, at);
        Push(t.Element);
    }

    void TableSet(uint index, int at)
    {
        TableType t = Table(index, at);
        Span<ValType> expected = [t.Limits.AddressType, t.Element];
        PopValues(expected, at);
    }

    void TableGrow(uint index, int at)
    {
        TableType t = Table(index, at);
        Span<ValType> expected = [t.Element, t.Limits.AddressType];
        PopValues(expected, at);
        Push(t.Limits.AddressType);
    }

    void TableFill(uint index, int at)
    {
        TableType t = Table(index, at);
        Span<ValType> expected = [t.Limits.AddressType, t.Element, t.Limits.AddressType];
        PopValues(expected, at);
    }

    void TableCopy(uint dst, uint src, int at)
    {
        TableType d = Table(dst, at), s = Table(src, at);
        if (!_types.IsSubtype(s.Element, d.Element))
            ValidationError.Throw(at, $"type mismatch: source element type {TypeText.Of(s.Element)} does not match destination element type {TypeText.Of(d.Element)}");
        Span<ValType> expected = [d.Limits.AddressType, s.Limits.AddressType, MinAddress(d.Limits, s.Limits)];
        PopValues(expected, at);
    }

    /// <summary>The type of a length that spans two address spaces: i64 only if both are 64-bit.</summary>
    static ValType MinAddress(Limits a, Limits b) => a.Is64 && b.Is64 ? ValType.I64 : ValType.I32;

    void TableInit(uint table, uint elem, int at)
    {
        TableType t = Table(table, at);
        ValType e = ElemType(elem, at);
        if (!_types.IsSubtype(e, t.Element))
            ValidationError.Throw(at, $"type mismatch: element segment's type {TypeText.Of(e)} does not match table's element type {TypeText.Of(t.Element)}");
        Span<ValType> expected = [t.Limits.AddressType, ValType.I32, ValType.I32];
        PopValues(expected, at);
    }

    void MemoryCopy(uint dst, uint src, int at)
    {
        Limits d = Memory(dst, at).Limits, s = Memory(src, at).Limits;
        Span<ValType> expected = [d.AddressType, s.AddressType, MinAddress(d, s)];
        PopValues(expected, at);
    }

    void MemoryInit(uint data, uint memory, int at)
    {
        Limits m = Memory(memory, at).Limits;
        CheckData(data, at);
        Span<ValType> expected = [m.AddressType, ValType.I32, ValType.I32];
        PopValues(expected, at);
    }

    void RefFunc(uint funcIndex, int at)
    {
        if (funcIndex >= (uint)_ctx.FuncTypes.Length) ValidationError.Unknown(at, "function", funcIndex);
        if (_constMode) _ctx.Declare(funcIndex);
        else if (!_ctx.IsDeclared(funcIndex)) ValidationError.Throw(at, $"undeclared function reference {funcIndex}");
        Push(ValType.Ref(HeapType.Concrete(_ctx.FuncTypes[funcIndex]), nullable: false));
    }

    static readonly ValType s_eqRef = ValType.Ref(HeapType.Eq, nullable: true);

    void RefEq(int at)
    {
        Span<ValType> expected = [s_eqRef, s_eqRef];
        PopValues(expected, at);
        Push(ValType.I32);
    }

    void BrOnNull(uint depth, int at)
    {
        ValType r = PopRef(at);
        ReadOnlySpan<ValType> label = LabelTypesOf(ref Label(depth, at));
        PopValues(label, at);
        PushValues(label);
        Push(ValType.Ref(r.Heap, nullable: false));
    }

    void BrOnNonNull(uint depth, int at)
    {
        ValType r = PopRef(at);
        ReadOnlySpan<ValType> label = LabelTypesOf(ref Label(depth, at));
        ValType nonNull = ValType.Ref(r.Heap, nullable: false);
        if (label.Length == 0 || !_types.IsSubtype(nonNull, label[^1]))
            ValidationError.Throw(at, $"type mismatch: instruction requires type {TypeText.Of(nonNull)} but label has {TypeText.Of(label)}");
        PopValues(label[..^1], at);
        PushValues(label[..^1]);
    }
}
