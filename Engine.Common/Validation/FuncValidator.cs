using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Validation;

/// <summary>
/// The streaming validator of one function body (or constant expression), driven operator by operator
/// by whoever reads the body, typically a one-pass compiler: <see cref="Begin(uint, FunctionBody)"/>,
/// then <see cref="Validate"/> for each operator in order, then <see cref="Finish"/>. Between calls the
/// state a compiler needs is public: operand types (<see cref="Peek"/>), the control stack
/// (<see cref="Frame"/>, <see cref="FrameParams"/>, <see cref="FrameResults"/>, <see cref="LabelTypes"/>)
/// and the locals.
/// Invariants: the operand stack holds the types of the values pushed since the function began, the
/// values of each control frame above its <see cref="ControlFrame.Height"/>; in an unreachable frame,
/// popping below the height yields <see cref="Bottom.Value"/> (the polymorphic stack). A non-defaultable
/// local is initialised from its first set/tee to the end of the innermost enclosing block (recorded
/// on an undo stack that each frame unwinds at else/catch/end).
/// One instance may validate many functions in turn (one thread at a time); it allocates only when a
/// stack outgrows its buffers, never per operator. Errors are <see cref="ValidationException"/>s at the
/// operator's offset, in the spec test suite's words.
/// </summary>
public sealed partial class FuncValidator
{
    readonly ModuleContext _ctx;
    readonly ModuleTypes _types;
    readonly uint _featureMask;

    ValType[] _stack = new ValType[64];
    int _sp;
    ControlFrame[] _frames = new ControlFrame[16];
    int _fp;
    ValType[] _locals = new ValType[16];
    bool[] _localInit = new bool[16];
    int _localCount;
    int[] _initStack = new int[16];
    int _initSp;
    ValType[] _scratch = new ValType[16];
    ValType[] _results = [];
    bool _constMode;
    int _constGlobals;
    bool _ended;

    public FuncValidator(ModuleContext context)
    {
        _ctx = context;
        _types = context.Types;
        _featureMask = context.Features.Mask;
    }

    public ModuleContext Context => _ctx;

    // ---- Inspection (what a one-pass compiler reads between operators).

    /// <summary>The number of operand types on the stack (all frames).</summary>
    public int OperandHeight => _sp;

    /// <summary>
    /// The type of the operand <paramref name="depth"/> places below the top (0 = top). Below the
    /// current frame's height this is <see cref="Bottom.Value"/> if the frame is unreachable.
    /// </summary>
    public ValType Peek(int depth)
    {
        ref readonly ControlFrame f = ref _frames[_fp - 1];
        if ((uint)depth >= (uint)(_sp - f._height))
        {
            if (f._unreachable) return Bottom.Value;
            throw new ArgumentOutOfRangeException(nameof(depth));
        }
        return _stack[_sp - 1 - depth];
    }

    /// <summary>The number of open control frames; 0 once the function's final <c>end</c> has been validated.</summary>
    public int ControlDepth => _fp;

    /// <summary>The control frame <paramref name="depth"/> levels out (0 = innermost), as a branch label index counts.</summary>
    public ref readonly ControlFrame Frame(int depth) => ref _frames[CheckedFrameIndex(depth)];

    /// <summary>Whether the rest of the innermost frame is unreachable.</summary>
    public bool IsUnreachable => _fp > 0 && _frames[_fp - 1]._unreachable;

    /// <summary>The parameter types of a frame. Spans are valid until the next <see cref="Validate"/>.</summary>
    public ReadOnlySpan<ValType> FrameParams(int depth) => _frames[CheckedFrameIndex(depth)]._params;

    /// <summary>The result types of a frame. Spans are valid until the next <see cref="Validate"/>.</summary>
    public ReadOnlySpan<ValType> FrameResults(int depth) => ResultsOf(ref _frames[CheckedFrameIndex(depth)]);

    /// <summary>The types a branch to label <paramref name="depth"/> carries (a loop's parameters, else the results).</summary>
    public ReadOnlySpan<ValType> LabelTypes(int depth) => LabelTypesOf(ref _frames[CheckedFrameIndex(depth)]);

    /// <summary>The function's result types.</summary>
    public ReadOnlySpan<ValType> Results => _results;

    /// <summary>Parameter and local types, parameters first.</summary>
    public ReadOnlySpan<ValType> Locals => _locals.AsSpan(0, _localCount);

    int CheckedFrameIndex(int depth) =>
        (uint)depth < (uint)_fp ? _fp - 1 - depth : throw new ArgumentOutOfRangeException(nameof(depth));

    static ReadOnlySpan<ValType> ResultsOf(ref ControlFrame f) =>
        f._hasSingle ? MemoryMarshal.CreateReadOnlySpan(ref f._single, 1) : f._results;

    static ReadOnlySpan<ValType> LabelTypesOf(ref ControlFrame f) =>
        f._kind == FrameKind.Loop ? f._params : ResultsOf(ref f);

    // ---- Starting and finishing.

    public void Begin(uint funcIndex, FunctionBody body) => Begin(funcIndex, body.Locals, body.BodyOffset);

    /// <summary>Starts validating function <paramref name="funcIndex"/> with the given local declarations.</summary>
    public void Begin(uint funcIndex, ReadOnlySpan<LocalGroup> locals, long offset)
    {
        if (funcIndex >= (uint)_ctx.FunctionCount) ValidationError.Unknown(offset, "function", funcIndex);
        uint typeIndex = _ctx.FuncTypes[funcIndex];
        FuncType type = _types.FuncTypeAt(typeIndex, offset);
        Reset(constMode: false);
        ulong declared = 0;
        foreach (var g in locals) declared += g.Count;
        if (declared > ModuleDecoder.MaxLocals) ValidationError.Malformed(offset, "too many locals");
        EnsureLocals(type.Params.Length + (int)declared);
        foreach (var p in type.Params) AddLocal(p, initialized: true);
        foreach (var g in locals)
        {
            _types.CheckValType(g.Type, offset);
            for (uint i = 0; i < g.Count; i++) AddLocal(g.Type, g.Type.IsDefaultable);
        }
        _results = type.Results;
        PushFrameRaw(FrameKind.Block, BlockType.OfType(typeIndex), null, type.Results);
    }

    /// <summary>
    /// Starts validating a constant expression of type <paramref name="type"/>: only constant operators
    /// are allowed, and <c>global.get</c> only of the first <paramref name="visibleGlobals"/> globals,
    /// which must be immutable. <c>ref.func</c> in a constant expression declares the function.
    /// </summary>
    public void BeginConstExpr(ValType type, int visibleGlobals)
    {
        Reset(constMode: true);
        _constGlobals = visibleGlobals;
        _results = [];
        PushFrameRaw(FrameKind.Block, BlockType.Of(type), null, null);
        _frames[0]._hasSingle = true;
        _frames[0]._single = type;
    }

    void Reset(bool constMode)
    {
        _sp = 0; _fp = 0; _localCount = 0; _initSp = 0;
        _constMode = constMode;
        _ended = false;
    }

    /// <summary>Completes the body: its final <c>end</c> must have been validated.</summary>
    public void Finish(long offset)
    {
        if (!_ended) ValidationError.Malformed(offset, _constMode ? "constant expression required" : "END opcode expected");
    }

    void EnsureLocals(int n)
    {
        if (_locals.Length < n)
        {
            int size = Math.Max(n, _locals.Length * 2);
            _locals = new ValType[size];
            _localInit = new bool[size];
        }
    }

    void AddLocal(ValType t, bool initialized)
    {
        _locals[_localCount] = t;
        _localInit[_localCount] = initialized;
        _localCount++;
    }

    // ---- The operand stack.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Push(ValType t)
    {
        if (_sp == _stack.Length) Array.Resize(ref _stack, _stack.Length * 2);
        _stack[_sp++] = t;
    }

    void PushValues(ReadOnlySpan<ValType> ts)
    {
        while (_sp + ts.Length > _stack.Length) Array.Resize(ref _stack, _stack.Length * 2);
        ts.CopyTo(_stack.AsSpan(_sp));
        _sp += ts.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    bool Matches(ValType actual, ValType expected) =>
        (actual.Kind == expected.Kind
            && (actual.Kind != ValKind.Ref || (actual.Nullable == expected.Nullable && actual.Heap.Code == expected.Heap.Code)))
        || _types.IsSubtype(actual, expected);

    /// <summary>Pops one operand that must be a subtype of <paramref name="expected"/>; returns its type (bottom if unknown).</summary>
    ValType Pop(ValType expected, int offset)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        if (_sp == f._height)
        {
            if (f._unreachable) return Bottom.Value;
            MismatchOne(expected, offset);
        }
        ValType actual = _stack[_sp - 1];
        if (!Matches(actual, expected)) MismatchOne(expected, offset);
        _sp--;
        return actual;
    }

    /// <summary>Pops one operand of any type.</summary>
    ValType PopAny(int offset)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        if (_sp == f._height)
        {
            if (f._unreachable) return Bottom.Value;
            ValidationError.Throw(offset, "type mismatch: instruction requires a value but stack has []");
        }
        return _stack[--_sp];
    }

    /// <summary>Pops a reference of any type; an unknown operand is a non-null reference to the bottom heap type.</summary>
    ValType PopRef(int offset)
    {
        ValType t = PopAny(offset);
        if (t.IsBottom()) return ValType.Ref(Bottom.Heap, nullable: false);
        if (!t.IsRef) ValidationError.Throw(offset, $"type mismatch: instruction requires reference type but stack has {TypeText.Of(t)}");
        return t;
    }

    /// <summary>Pops operands matching <paramref name="expected"/> (the last one on top).</summary>
    void PopValues(ReadOnlySpan<ValType> expected, int offset)
    {
        CheckTop(expected, offset);
        int avail = _sp - _frames[_fp - 1]._height;
        _sp -= Math.Min(expected.Length, avail);
    }

    /// <summary>Checks that the top operands match <paramref name="expected"/> without popping them.</summary>
    void CheckTop(ReadOnlySpan<ValType> expected, int offset)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        int avail = _sp - f._height;
        int n = expected.Length;
        for (int i = 0; i < n; i++)
        {
            int depth = n - 1 - i;
            if (depth < avail)
            {
                if (!Matches(_stack[_sp - 1 - depth], expected[i])) Mismatch(expected, offset);
            }
            else if (!f._unreachable) Mismatch(expected, offset);
        }
    }

    /// <summary>Pops <paramref name="count"/> operands of type <paramref name="t"/> (array.new_fixed).</summary>
    void PopRepeated(ValType t, uint count, int offset)
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        int avail = _sp - f._height;
        if (count > (uint)avail && !f._unreachable)
            ValidationError.Throw(offset, $"type mismatch: instruction requires {count} operands of type {TypeText.Of(t)} but stack has {avail}");
        int n = (int)Math.Min(count, (uint)avail);
        for (int i = 0; i < n; i++) if (!Matches(_stack[_sp - 1 - i], t)) MismatchOne(t, offset);
        _sp -= n;
    }

    void MismatchOne(ValType expected, int offset) => Mismatch(MemoryMarshal.CreateReadOnlySpan(ref expected, 1), offset);

    void Mismatch(ReadOnlySpan<ValType> expected, int offset)
    {
        int avail = _sp - _frames[_fp - 1]._height;
        int k = Math.Min(expected.Length, avail);
        ValidationError.Throw(offset,
            $"type mismatch: instruction requires {TypeText.Of(expected)} but stack has {TypeText.Of(_stack.AsSpan(_sp - k, k))}");
    }

    /// <summary>A span of <paramref name="n"/> reusable slots for building an expected operand list.</summary>
    Span<ValType> Scratch(int n)
    {
        if (_scratch.Length < n) _scratch = new ValType[Math.Max(n, _scratch.Length * 2)];
        return _scratch.AsSpan(0, n);
    }

    // ---- The control stack.

    void PushFrameRaw(FrameKind kind, BlockType bt, ValType[]? parameters, ValType[]? results)
    {
        if (_fp == _frames.Length) Array.Resize(ref _frames, _frames.Length * 2);
        _frames[_fp++] = new ControlFrame
        {
            _kind = kind, _height = _sp, _initHeight = _initSp, _blockType = bt, _params = parameters, _results = results,
        };
    }

    void SetUnreachable()
    {
        ref ControlFrame f = ref _frames[_fp - 1];
        _sp = f._height;
        f._unreachable = true;
    }

    ref ControlFrame Label(uint depth, int offset)
    {
        if (depth >= (uint)_fp) ValidationError.Unknown(offset, "label", depth);
        return ref _frames[_fp - 1 - (int)depth];
    }

    // ---- Locals initialisation.

    void InitLocal(uint index)
    {
        if (_localInit[index]) return;
        _localInit[index] = true;
        if (_initSp == _initStack.Length) Array.Resize(ref _initStack, _initStack.Length * 2);
        _initStack[_initSp++] = (int)index;
    }

    void UndoLocalInits(int height)
    {
        while (_initSp > height) _localInit[_initStack[--_initSp]] = false;
    }

    // ---- The dispatcher.

    /// <summary>Validates one operator and applies its effect to the operand and control stacks.</summary>
    public void Validate(in Operator op)
    {
        int code = (int)op.Opcode;
        if ((_featureMask & s_featureBit[code]) == 0) FeatureDisabled(op);
        if (_fp == 0) ValidationError.Malformed(op.Offset, "operators remaining after end of function");
        if (_constMode && !op.Opcode.IsConstant() && op.Opcode != Opcode.End) ValidationError.Throw(op.Offset, "constant expression required");
        switch (s_typing[code])
        {
            case Typing.Plain: ApplySignature(code * 2, op.Offset); break;
            case Typing.Fixed: ValidateFixed(op); break;
            default: ValidateSpecial(op); break;
        }
    }

    static void FeatureDisabled(in Operator op) =>
        ValidationError.Throw(op.Offset,
            $"{op.Opcode.Mnemonic()} requires the {op.Opcode.RequiredFeature().ToString().ToLowerInvariant()} feature, which is not enabled");

    void ValidateSpecial(in Operator op)
    {
        int at = op.Offset;
        switch (op.Opcode)
        {
            case Opcode.Unreachable: SetUnreachable(); break;
            case Opcode.Block: EnterBlock(FrameKind.Block, op.Block, at); break;
            case Opcode.Loop: EnterBlock(FrameKind.Loop, op.Block, at); break;
            case Opcode.If: EnterBlock(FrameKind.If, op.Block, at); break;
            case Opcode.Else: Else(at); break;
            case Opcode.End: End(at); break;
            case Opcode.Try: EnterBlock(FrameKind.Try, op.Block, at); break;
            case Opcode.Catch: Catch(op.Index, at); break;
            case Opcode.CatchAll: CatchAll(at); break;
            case Opcode.Delegate: Delegate(op.Index, at); break;
            case Opcode.Rethrow: Rethrow(op.Index, at); break;
            case Opcode.Throw: PopValues(TagType(op.Index, at).Params, at); SetUnreachable(); break;
            case Opcode.ThrowRef: Pop(ValType.ExnRef, at); SetUnreachable(); break;
            case Opcode.TryTable: TryTable(op, at); break;
            case Opcode.Br: PopValues(LabelTypesOf(ref Label(op.Index, at)), at); SetUnreachable(); break;
            case Opcode.BrIf: BrIf(op.Index, at); break;
            case Opcode.BrTable: BrTable(op, at); break;
            case Opcode.Return: PopValues(_results, at); SetUnreachable(); break;
            case Opcode.Call: Call(FunctionType(op.Index, at), at); break;
            case Opcode.CallIndirect: CallIndirect(op.Index, op.Index2, tail: false, at); break;
            case Opcode.ReturnCall: ReturnCall(FunctionType(op.Index, at), at); break;
            case Opcode.ReturnCallIndirect: CallIndirect(op.Index, op.Index2, tail: true, at); break;
            case Opcode.CallRef: CallRef(op.Index, tail: false, at); break;
            case Opcode.ReturnCallRef: CallRef(op.Index, tail: true, at); break;
            case Opcode.Drop: PopAny(at); break;
            case Opcode.Select: Select(at); break;
            case Opcode.SelectTyped: SelectTyped(op.Types, at); break;
            case Opcode.LocalGet: LocalGet(op.Index, at); break;
            case Opcode.LocalSet: Pop(LocalType(op.Index, at), at); InitLocal(op.Index); break;
            case Opcode.LocalTee: LocalTee(op.Index, at); break;
            case Opcode.GlobalGet: GlobalGet(op.Index, at); break;
            case Opcode.GlobalSet: GlobalSet(op.Index, at); break;
            case Opcode.TableGet: TableGet(op.Index, at); break;
            case Opcode.TableSet: TableSet(op.Index, at); break;
            case Opcode.TableSize: Push(Table(op.Index, at).Limits.AddressType); break;
            case Opcode.TableGrow: TableGrow(op.Index, at); break;
            case Opcode.TableFill: TableFill(op.Index, at); break;
            case Opcode.TableCopy: TableCopy(op.Index, op.Index2, at); break;
            case Opcode.TableInit: TableInit(op.Index2, op.Index, at); break;
            case Opcode.MemoryCopy: MemoryCopy(op.Index, op.Index2, at); break;
            case Opcode.MemoryInit: MemoryInit(op.Index, op.Index2, at); break;
            case Opcode.RefNull: _types.CheckHeapType(op.Heap, at); Push(ValType.Ref(op.Heap, nullable: true)); break;
            case Opcode.RefIsNull: PopRef(at); Push(ValType.I32); break;
            case Opcode.RefFunc: RefFunc(op.Index, at); break;
            case Opcode.RefEq: RefEq(at); break;
            case Opcode.RefAsNonNull: Push(ValType.Ref(PopRef(at).Heap, nullable: false)); break;
            case Opcode.BrOnNull: BrOnNull(op.Index, at); break;
            case Opcode.BrOnNonNull: BrOnNonNull(op.Index, at); break;
            case Opcode.StructNew: StructNew(op.Index, at); break;
            case Opcode.StructNewDefault: StructNewDefault(op.Index, at); break;
            case Opcode.StructGet: StructGet(op.Index, op.Index2, signed: null, at); break;
            case Opcode.StructGetS: StructGet(op.Index, op.Index2, signed: true, at); break;
            case Opcode.StructGetU: StructGet(op.Index, op.Index2, signed: false, at); break;
            case Opcode.StructSet: StructSet(op.Index, op.Index2, at); break;
            case Opcode.ArrayNew: ArrayNew(op.Index, at); break;
            case Opcode.ArrayNewDefault: ArrayNewDefault(op.Index, at); break;
            case Opcode.ArrayNewFixed: ArrayNewFixed(op.Index, op.Index2, at); break;
            case Opcode.ArrayNewData: ArrayNewData(op.Index, op.Index2, at); break;
            case Opcode.ArrayNewElem: ArrayNewElem(op.Index, op.Index2, at); break;
            case Opcode.ArrayGet: ArrayGet(op.Index, signed: null, at); break;
            case Opcode.ArrayGetS: ArrayGet(op.Index, signed: true, at); break;
            case Opcode.ArrayGetU: ArrayGet(op.Index, signed: false, at); break;
            case Opcode.ArraySet: ArraySet(op.Index, at); break;
            case Opcode.ArrayLen: Pop(ValType.Ref(HeapType.Array, nullable: true), at); Push(ValType.I32); break;
            case Opcode.ArrayFill: ArrayFill(op.Index, at); break;
            case Opcode.ArrayCopy: ArrayCopy(op.Index, op.Index2, at); break;
            case Opcode.ArrayInitData: ArrayInitData(op.Index, op.Index2, at); break;
            case Opcode.ArrayInitElem: ArrayInitElem(op.Index, op.Index2, at); break;
            case Opcode.RefTest: RefTest(op.Heap, nullable: false, at); break;
            case Opcode.RefTestNull: RefTest(op.Heap, nullable: true, at); break;
            case Opcode.RefCast: RefCast(op.Heap, nullable: false, at); break;
            case Opcode.RefCastNull: RefCast(op.Heap, nullable: true, at); break;
            case Opcode.BrOnCast: BrOnCast(op, fail: false, at); break;
            case Opcode.BrOnCastFail: BrOnCast(op, fail: true, at); break;
            case Opcode.AnyConvertExtern: Convert(HeapType.Extern, HeapType.Any, at); break;
            case Opcode.ExternConvertAny: Convert(HeapType.Any, HeapType.Extern, at); break;
            case Opcode.RefI31: Pop(ValType.I32, at); Push(ValType.Ref(HeapType.I31, nullable: false)); break;
            case Opcode.I31GetS:
            case Opcode.I31GetU: Pop(ValType.Ref(HeapType.I31, nullable: true), at); Push(ValType.I32); break;
            default:
                throw new InvalidOperationException($"opcodes.def marks {op.Opcode.Mnemonic()} as typed by hand, but the validator has no rule for it");
        }
    }
}
