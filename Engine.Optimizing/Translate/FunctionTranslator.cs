using Hoist.Optimizing.Ir;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;

namespace Hoist.Optimizing.Translate;

/// <summary>
/// Translates wasm function bodies to IR in one pass over the operator stream, validating each operator
/// (it drives a <see cref="FuncValidator"/>) and building SSA directly (<see cref="SsaBuilder"/>: locals
/// are SSA variables; values on the wasm operand stack are IR values held on a stack of their own; block
/// results and loop parameters are block parameters).
/// <para>
/// Shape of the output: the entry block's parameters are the VMContext (i64) and the wasm parameters.
/// Every VMContext access is an explicit load tagged with its <see cref="AliasRegion"/>; every memory access
/// is <c>bounds_check</c> of the index against the memory's current size, then a load or store in the
/// memory's region at base + index + offset; table accesses likewise. Calls pass the callee's VMContext
/// first. Builtins are called through the VMContext's table with the System V convention.
/// </para>
/// <para>
/// Invariants: while translating reachable code, the value stack mirrors the validator's operand stack;
/// after a branch, return or trap the rest of the frame is unreachable: it is validated but emits nothing,
/// and frames opened inside it are "dead". Blocks enter the layout when code starts to fill them, so the
/// layout follows the wasm order. One translator serves many functions in turn (one thread); it
/// allocates only the IR it produces and the growth of its stacks.
/// </para>
/// </summary>
public sealed partial class FunctionTranslator
{
    readonly ModuleEnvironment _env;
    readonly FuncValidator _validator;
    readonly OperatorBuffers _buffers = new();
    readonly SsaBuilder _ssa = new();
    readonly IrBuilder _b = new(null!);
    Function _f = null!;
    Value _vmctx;
    bool _reachable;

    Value[] _stack = new Value[64];
    int _sp;
    Value[] _scratch = new Value[16];
    IrType[] _varTypes = new IrType[16];

    public FunctionTranslator(ModuleEnvironment env)
    {
        _env = env;
        _validator = new FuncValidator(env.Context);
    }

    /// <summary>Translates (and validates) defined function <paramref name="definedIndex"/> (0 = the first one not imported).</summary>
    public Function Translate(int definedIndex) => Translate(definedIndex, null);

    /// <summary>
    /// Like <see cref="Translate(int)"/>, but fills <paramref name="reuse"/> (emptied by <see cref="Function.Reset"/>)
    /// when given instead of a new function: a compiler that is done with the previous function's IR saves
    /// allocating (and the page faults of) fresh tables for every function.
    /// </summary>
    public Function Translate(int definedIndex, Function? reuse)
    {
        var module = _env.Module;
        FunctionBody body = module.Code[definedIndex];
        uint funcIndex = (uint)(module.ImportedFunctionCount + definedIndex);
        int bodyOffset = Math.Max(body.BodyOffset, 0);
        _validator.Begin(funcIndex, body);
        var sig = _env.FunctionSignature(funcIndex, bodyOffset);
        // About one IR instruction per byte of wasm code (memory accesses expand, constants and locals shrink).
        if (reuse is null) _f = new Function(_env.FunctionName(funcIndex), sig, body.Code.Length);
        else
        {
            reuse.Reset(_env.FunctionName(funcIndex), sig, body.Code.Length);
            _f = reuse;
        }
        _b.Reset(_f);
        _sp = 0;
        _frameCount = 0;
        _typeTop = 0;
        _savedTop = 0;

        var locals = _validator.Locals;
        if (_varTypes.Length < locals.Length) _varTypes = new IrType[Math.Max(locals.Length, 2 * _varTypes.Length)];
        for (int i = 0; i < locals.Length; i++) _varTypes[i] = ModuleEnvironment.IrTypeOf(locals[i], bodyOffset);
        _ssa.Reset(_f, _varTypes.AsSpan(0, locals.Length));

        var entry = _f.CreateBlock();
        _f.AppendBlock(entry);
        _vmctx = _f.AppendBlockParam(entry, IrType.I64);
        for (int i = 1; i < sig.Params.Length; i++) _ssa.DefineVar(i - 1, entry, _f.AppendBlockParam(entry, sig.Params[i]));
        _ssa.SealBlock(entry);
        _b.SwitchToBlock(entry);
        _reachable = true;
        PushFunctionFrame(sig);

        var reader = OperatorReader.ForBody(body.Code.Span, bodyOffset, _buffers);
        var op = default(Operator);
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            _validator.Validate(op);
            _b.SourceOffset = op.Offset;
            if (_reachable) TranslateReachable(op);
            else TranslateUnreachable(op);
        }
        _validator.Finish(reader.Offset);
        return _f;
    }

    // ---- The value stack.

    void Push(Value v)
    {
        if (_sp == _stack.Length) Array.Resize(ref _stack, _sp * 2);
        _stack[_sp++] = v;
    }

    Value Pop() => _stack[--_sp];

    Value Peek(int depth = 0) => _stack[_sp - 1 - depth];

    /// <summary>The top <paramref name="n"/> values, bottom first (valid until the stack changes).</summary>
    ReadOnlySpan<Value> Top(int n) => _stack.AsSpan(_sp - n, n);

    /// <summary>The rest of the innermost frame is unreachable: drop its values and emit nothing until its end.</summary>
    void SetUnreachable()
    {
        _sp = _frames[_frameCount - 1].Height;
        _reachable = false;
    }

    /// <summary><paramref name="first"/> then <paramref name="rest"/> in one reusable span.</summary>
    ReadOnlySpan<Value> Prepend(Value first, ReadOnlySpan<Value> rest)
    {
        if (_scratch.Length < rest.Length + 1) _scratch = new Value[Math.Max(rest.Length + 1, _scratch.Length * 2)];
        _scratch[0] = first;
        rest.CopyTo(_scratch.AsSpan(1));
        return _scratch.AsSpan(0, rest.Length + 1);
    }

    static IrType FromSig(SigType s) => s switch
    {
        SigType.I32 => IrType.I32, SigType.I64 => IrType.I64, SigType.F32 => IrType.F32, SigType.F64 => IrType.F64,
        _ => IrType.Invalid,
    };

    UnsupportedFeatureException Unsupported(in Operator op) =>
        new(op.Opcode.RequiredFeature(), $"{op.Opcode.Mnemonic()} is not supported by the optimizing compiler ({op.Opcode.RequiredFeature().ToString().ToLowerInvariant()})",
            SourceLocation.AtOffset(op.Offset));

    // ---- Dispatch.

    void TranslateReachable(in Operator op)
    {
        var e = WasmOpMap.Get(op.Opcode);
        switch (e.Kind)
        {
            case WasmOpKind.Pure:
            {
                int n = op.Opcode.Params().Length;
                var args = Top(n);
                IrType ctrl = IrType.Invalid;
                if (e.Op.HasCtrl())
                    ctrl = e.Op.Params()[0] == TypeConstraint.Ctrl ? _f.TypeOf(args[0]) : FromSig(op.Opcode.Results()[0]);
                var inst = _b.Build(e.Op, ctrl, args);
                _sp -= n;
                Push(_f.Result(inst));
                return;
            }
            case WasmOpKind.IntCompare:
            {
                var rhs = Pop();
                var lhs = Pop();
                Push(_b.Icmp((IntCC)e.Cond, lhs, rhs));
                return;
            }
            case WasmOpKind.FloatCompare:
            {
                var rhs = Pop();
                var lhs = Pop();
                Push(_b.Fcmp((FloatCC)e.Cond, lhs, rhs));
                return;
            }
            case WasmOpKind.Eqz:
            {
                var x = Pop();
                Push(_b.Icmp(IntCC.Eq, x, _b.Iconst(_f.TypeOf(x), 0)));
                return;
            }
            case WasmOpKind.Load:
                MemoryLoad(op, e.Op);
                return;
            case WasmOpKind.Store:
                MemoryStore(op, e.Op);
                return;
        }
        TranslateSpecial(op);
    }

    void TranslateSpecial(in Operator op)
    {
        switch (op.Opcode)
        {
            case Opcode.Nop: break;
            case Opcode.Unreachable: _b.Trap(TrapCode.Unreachable); SetUnreachable(); break;
            case Opcode.Block: EnterBlock(); break;
            case Opcode.Loop: EnterLoop(); break;
            case Opcode.If: EnterIf(); break;
            case Opcode.Else: Else(); break;
            case Opcode.End: End(); break;
            case Opcode.Br: Br(op.Index); break;
            case Opcode.BrIf: BrIf(op.Index); break;
            case Opcode.BrTable: BrTable(op); break;
            case Opcode.Return: Return(); break;
            case Opcode.BrOnNull: BrOnNull(op.Index); break;
            case Opcode.BrOnNonNull: BrOnNonNull(op.Index); break;

            case Opcode.Drop: _sp--; break;
            case Opcode.Select:
            case Opcode.SelectTyped:
            {
                var c = Pop();
                var y = Pop();
                var x = Pop();
                Push(_b.Select(c, x, y));
                break;
            }
            case Opcode.LocalGet: Push(_ssa.UseVar((int)op.Index, _b.CurrentBlock)); break;
            case Opcode.LocalSet: _ssa.DefineVar((int)op.Index, _b.CurrentBlock, Pop()); break;
            case Opcode.LocalTee: _ssa.DefineVar((int)op.Index, _b.CurrentBlock, Peek()); break;
            case Opcode.GlobalGet: GlobalGet(op.Index, op.Offset); break;
            case Opcode.GlobalSet: GlobalSet(op.Index, op.Offset); break;

            case Opcode.I32Const: Push(_b.Iconst(IrType.I32, (int)(uint)op.Bits)); break;
            case Opcode.I64Const: Push(_b.Iconst(IrType.I64, (long)op.Bits)); break;
            case Opcode.F32Const: Push(_b.F32Const((uint)op.Bits)); break;
            case Opcode.F64Const: Push(_b.F64Const(op.Bits)); break;

            case Opcode.MemorySize: MemorySize(op.Index); break;
            case Opcode.MemoryGrow: MemoryGrow(op.Index); break;
            case Opcode.MemoryFill: MemoryFill(op.Index); break;
            case Opcode.MemoryCopy: MemoryCopy(op.Index, op.Index2); break;
            case Opcode.MemoryInit: MemoryInit(op.Index, op.Index2); break;
            case Opcode.DataDrop: CallBuiltin(BuiltinId.DataDrop, [Const32(op.Index)]); break;

            case Opcode.TableGet: TableGet(op.Index); break;
            case Opcode.TableSet: TableSet(op.Index); break;
            case Opcode.TableSize: TableSize(op.Index); break;
            case Opcode.TableGrow: TableGrow(op.Index); break;
            case Opcode.TableFill: TableFill(op.Index); break;
            case Opcode.TableCopy: TableCopy(op.Index, op.Index2); break;
            case Opcode.TableInit: TableInit(op.Index, op.Index2); break;
            case Opcode.ElemDrop: CallBuiltin(BuiltinId.ElemDrop, [Const32(op.Index)]); break;

            case Opcode.Call: Call(op.Index, tail: false, op.Offset); break;
            case Opcode.ReturnCall: Call(op.Index, tail: true, op.Offset); break;
            case Opcode.CallIndirect: CallIndirect(op.Index, op.Index2, tail: false, op.Offset); break;
            case Opcode.ReturnCallIndirect: CallIndirect(op.Index, op.Index2, tail: true, op.Offset); break;
            case Opcode.CallRef: CallRef(op.Index, tail: false, op.Offset); break;
            case Opcode.ReturnCallRef: CallRef(op.Index, tail: true, op.Offset); break;

            case Opcode.RefNull: Push(_b.Iconst(IrType.I64, 0)); break;
            case Opcode.RefIsNull: Push(_b.Icmp(IntCC.Eq, Pop(), _b.Iconst(IrType.I64, 0))); break;
            case Opcode.RefFunc: Push(RefFunc(op.Index)); break;
            case Opcode.RefAsNonNull: _b.Trapz(Peek(), TrapCode.NullReference); break;

            default: throw Unsupported(op);
        }
    }

    Value Const32(uint v) => _b.Iconst(IrType.I32, (int)v);
}
