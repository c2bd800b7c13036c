using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Validation;

/// <summary>Control instructions: blocks, branches, calls, exceptions (try_table and the legacy try/catch/delegate/rethrow).</summary>
public sealed partial class FuncValidator
{
    /// <summary>Resolves a block type to its parameter and result types and enters the frame (an <c>if</c> first pops its condition).</summary>
    void EnterBlock(FrameKind kind, BlockType bt, int at)
    {
        ValType[]? parameters = null, results = null;
        switch (bt.Kind)
        {
            case BlockTypeKind.Value:
                _types.CheckValType(bt.Value, at);
                break;
            case BlockTypeKind.TypeIndex:
                FuncType ft = _types.FuncTypeAt(bt.TypeIndex, at);
                parameters = ft.Params;
                results = ft.Results;
                break;
        }
        if (kind == FrameKind.If) Pop(ValType.I32, at);
        PopValues(parameters, at);
        PushFrameRaw(kind, bt, parameters, results);
        if (bt.Kind == BlockTypeKind.Value)
        {
            ref ControlFrame f = ref _frames[_fp - 1];
            f._hasSingle = true;
            f._single = bt.Value;
        }
        PushValues(parameters);
    }

    /// <summary>Checks that the frame's operands are exactly its results, and pops them.</summary>
    void CheckFrameEnd(ref ControlFrame f, int at)
    {
        int before = _sp;
        ReadOnlySpan<ValType> results = ResultsOf(ref f);
        PopValues(results, at);
        if (_sp != f._height)
        {
            ValidationError.Throw(at,
                $"type mismatch: block requires {TypeText.Of(results)} but stack has {TypeText.Of(_stack.AsSpan(f._height, before - f._height))}");
        }
    }

    /// <summary>Starts the next part of a frame (else, catch, catch_all): a fresh, reachable stack holding the given types.</summary>
    void RestartFrame(ref ControlFrame f, FrameKind kind, ReadOnlySpan<ValType> entry)
    {
        UndoLocalInits(f._initHeight);
        f._kind = kind;
        f._unreachable = false;
        _sp = f._height;
        PushValues(entry);
    }

    void Else(int at)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        if (f._kind != FrameKind.If) ValidationError.Throw(at, "else found outside of an if block");
        CheckFrameEnd(ref f, at);
        RestartFrame(ref f, FrameKind.Else, f._params);
    }

    void End(int at)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        CheckFrameEnd(ref f, at);
        if (f._kind == FrameKind.If)
        {
            // No else: the implicit empty else branch must turn the parameters into the results.
            if (!_types.IsResultSubtype(f._params, ResultsOf(ref f)))
                ValidationError.Throw(at, $"type mismatch: if without else requires {TypeText.Of(ResultsOf(ref f))} but its parameters are {TypeText.Of(f._params)}");
        }
        UndoLocalInits(f._initHeight);
        ReadOnlySpan<ValType> results = ResultsOf(ref f);
        _fp--;
        if (_fp == 0) { _ended = true; return; }
        PushValues(results);
    }

    void BrIf(uint depth, int at)
    {
        Pop(ValType.I32, at);
        ReadOnlySpan<ValType> label = LabelTypesOf(ref Label(depth, at));
        PopValues(label, at);
        PushValues(label);
    }

    void BrTable(in Operator op, int at)
    {
        Pop(ValType.I32, at);
        ReadOnlySpan<ValType> defaults = LabelTypesOf(ref Label(op.Index, at));
        int arity = defaults.Length;
        foreach (uint target in op.Targets)
        {
            ReadOnlySpan<ValType> label = LabelTypesOf(ref Label(target, at));
            if (label.Length != arity)
                ValidationError.Throw(at, $"type mismatch: br_table targets {TypeText.Of(label)} and {TypeText.Of(defaults)} differ in arity");
            CheckTop(label, at);
        }
        CheckTop(defaults, at);
        SetUnreachable();
    }

    FuncType FunctionType(uint funcIndex, int at)
    {
        if (funcIndex >= (uint)_ctx.FuncTypes.Length) ValidationError.Unknown(at, "function", funcIndex);
        return (FuncType)_types[_ctx.FuncTypes[funcIndex]].Composite;
    }

    void Call(FuncType type, int at)
    {
        PopValues(type.Params, at);
        PushValues(type.Results);
    }

    void ReturnCall(FuncType type, int at)
    {
        CheckTailCallResults(type, at);
        PopValues(type.Params, at);
        SetUnreachable();
    }

    void CheckTailCallResults(FuncType callee, int at)
    {
        if (!_types.IsResultSubtype(callee.Results, _results))
            ValidationError.Throw(at, $"type mismatch: current function requires result type {TypeText.Of(_results)} but callee returns {TypeText.Of(callee.Results)}");
    }

    void CallIndirect(uint typeIndex, uint tableIndex, bool tail, int at)
    {
        TableType table = Table(tableIndex, at);
        if (!_types.IsSubtype(table.Element, ValType.FuncRef))
            ValidationError.Throw(at, $"type mismatch: instruction requires table of function type but table has element type {TypeText.Of(table.Element)}");
        FuncType type = _types.FuncTypeAt(typeIndex, at);
        Pop(table.Limits.AddressType, at);
        if (tail) ReturnCall(type, at);
        else Call(type, at);
    }

    void CallRef(uint typeIndex, bool tail, int at)
    {
        FuncType type = _types.FuncTypeAt(typeIndex, at);
        Pop(ValType.Ref(HeapType.Concrete(typeIndex), nullable: true), at);
        if (tail) ReturnCall(type, at);
        else Call(type, at);
    }

    // ---- Exceptions.

    FuncType TagType(uint tagIndex, int at)
    {
        if (tagIndex >= (uint)_ctx.TagTypes.Length) ValidationError.Unknown(at, "tag", tagIndex);
        return _types.FuncTypeAt(_ctx.TagTypes[tagIndex], at);
    }

    static readonly ValType[] s_exnRef = [ValType.Ref(HeapType.Exn, nullable: false)];

    void TryTable(in Operator op, int at)
    {
        foreach (CatchClause c in op.Catches)
        {
            ReadOnlySpan<ValType> label = LabelTypesOf(ref Label(c.Label, at));
            ReadOnlySpan<ValType> values = c.Kind is CatchKind.Catch or CatchKind.CatchRef ? TagType(c.Tag, at).Params : default;
            bool withRef = c.Kind is CatchKind.CatchRef or CatchKind.CatchAllRef;
            bool ok = label.Length == values.Length + (withRef ? 1 : 0) && _types.IsResultSubtype(values, label[..values.Length]);
            if (ok && withRef) ok = _types.IsSubtype(s_exnRef[0], label[^1]);
            if (!ok) ValidationError.Throw(at, $"type mismatch: catch handler delivers {CatchTypes(values, withRef)} but its label requires {TypeText.Of(label)}");
        }
        EnterBlock(FrameKind.TryTable, op.Block, at);
    }

    static string CatchTypes(ReadOnlySpan<ValType> values, bool withRef)
    {
        var all = new ValType[values.Length + (withRef ? 1 : 0)];
        values.CopyTo(all);
        if (withRef) all[^1] = s_exnRef[0];
        return TypeText.Of(all);
    }

    void Catch(uint tagIndex, int at)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        if (f._kind is not (FrameKind.Try or FrameKind.Catch)) ValidationError.Throw(at, "catch found outside of a try block");
        FuncType tag = TagType(tagIndex, at);
        CheckFrameEnd(ref f, at);
        RestartFrame(ref f, FrameKind.Catch, tag.Params);
    }

    void CatchAll(int at)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        if (f._kind is not (FrameKind.Try or FrameKind.Catch)) ValidationError.Throw(at, "catch_all found outside of a try block");
        CheckFrameEnd(ref f, at);
        RestartFrame(ref f, FrameKind.CatchAll, default);
    }

    void Delegate(uint depth, int at)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        if (f._kind != FrameKind.Try) ValidationError.Throw(at, "delegate found outside of a try block");
        CheckFrameEnd(ref f, at);
        UndoLocalInits(f._initHeight);
        ReadOnlySpan<ValType> results = ResultsOf(ref f);
        _fp--;
        // The label is counted from the frames around the try.
        if (depth >= (uint)_fp) ValidationError.Unknown(at, "label", depth);
        PushValues(results);
    }

    void Rethrow(uint depth, int at)
    {
        ref ControlFrame f = ref Label(depth, at);
        if (f._kind is not (FrameKind.Catch or FrameKind.CatchAll)) ValidationError.Throw(at, "invalid rethrow label");
        SetUnreachable();
    }
}
