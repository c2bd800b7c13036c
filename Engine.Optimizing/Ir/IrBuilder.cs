using Hoist.Vm;

namespace Hoist.Optimizing.Ir;

/// <summary>
/// Creates instructions at an insertion point: the end of a block (<see cref="SwitchToBlock"/>) or before
/// an instruction (<see cref="InsertBefore"/>). Every instruction gets <see cref="SourceOffset"/>. Result
/// types follow the opcode table: a controlling type taken from the first operand the signature types
/// by it, or given explicitly where only the result has it (conversions, constants, loads).
/// One builder can serve many functions (<see cref="Reset"/>); it allocates nothing itself.
/// </summary>
public sealed class IrBuilder
{
    Function _f;
    Block _block = Block.None;
    Inst _before = Inst.None;

    public IrBuilder(Function f) => _f = f;

    public Function Func => _f;

    /// <summary>The wasm offset recorded on the instructions created next (-1 for none).</summary>
    public int SourceOffset { get; set; } = -1;

    public void Reset(Function f)
    {
        _f = f;
        _block = Block.None;
        _before = Inst.None;
        SourceOffset = -1;
    }

    /// <summary>The block instructions go to.</summary>
    public Block CurrentBlock => _before.IsValid ? _f.BlockOf(_before) : _block;

    /// <summary>Appends from now on at the end of <paramref name="b"/>.</summary>
    public void SwitchToBlock(Block b)
    {
        _block = b;
        _before = Inst.None;
    }

    /// <summary>Inserts from now on just before <paramref name="i"/>.</summary>
    public void InsertBefore(Inst i)
    {
        _before = i;
        _block = Block.None;
    }

    Inst Place(Inst i)
    {
        _f.SetSourceOffset(i, SourceOffset);
        if (_before.IsValid) _f.InsertInstBefore(i, _before);
        else if (_block.IsValid) _f.AppendInst(_block, i);
        else throw new InvalidOperationException("the builder has no insertion point");
        return i;
    }

    /// <summary>The controlling type of <paramref name="op"/> from its operands (the first one its signature types by T).</summary>
    public static IrType InferCtrl(Function f, Op op, ReadOnlySpan<Value> args)
    {
        var ctrl = op.Ctrl();
        if (ctrl == TypeConstraint.None) return IrType.Invalid;
        var ps = op.Params();
        for (int k = 0; k < ps.Length && k < args.Length; k++)
            if (ps[k] == TypeConstraint.Ctrl) return f.TypeOf(args[k]);
        IrType concrete = ctrl.Concrete();
        if (concrete != IrType.Invalid) return concrete;
        throw new ArgumentException($"{op.Mnemonic()} needs an explicit controlling type");
    }

    /// <summary>Creates and places any non-branch instruction; returns it.</summary>
    public Inst Build(Op op, IrType ctrl, ReadOnlySpan<Value> args, byte code = 0, int @ref = 0, long imm = 0) =>
        Place(_f.CreateInst(op, ctrl, args, code, @ref, imm));

    Value One(Op op, IrType ctrl, ReadOnlySpan<Value> args, byte code = 0, int @ref = 0, long imm = 0) =>
        _f.Result(Build(op, ctrl, args, code, @ref, imm));

    // ---- Constants.

    /// <summary><c>iconst</c>; the value is normalised to the type's width (sign-extended).</summary>
    public Value Iconst(IrType t, long v) => One(Op.Iconst, t, default, imm: t == IrType.I32 ? (int)v : v);

    public Value F32Const(uint bits) => One(Op.Fconst, IrType.F32, default, imm: bits);
    public Value F64Const(ulong bits) => One(Op.Fconst, IrType.F64, default, imm: (long)bits);

    // ---- Pure operations.

    public Value Unary(Op op, Value a) => One(op, InferCtrl(_f, op, [a]), [a]);

    /// <summary>A unary operation whose controlling type is its result's (conversions, bitcast).</summary>
    public Value Unary(Op op, IrType ctrl, Value a) => One(op, ctrl, [a]);

    public Value Binary(Op op, Value a, Value b) => One(op, InferCtrl(_f, op, [a, b]), [a, b]);

    public Value Icmp(IntCC cc, Value a, Value b) => One(Op.Icmp, _f.TypeOf(a), [a, b], (byte)cc);
    public Value Fcmp(FloatCC cc, Value a, Value b) => One(Op.Fcmp, _f.TypeOf(a), [a, b], (byte)cc);

    public Value Select(Value cond, Value a, Value b) => One(Op.Select, _f.TypeOf(a), [cond, a, b]);

    // ---- Memory.

    public Value Load(Op op, IrType t, AliasRegion region, Value addr, long offset, MemFlags flags = MemFlags.None) =>
        One(op, t, [addr], (byte)flags, region.Bits, offset);

    public void Store(Op op, AliasRegion region, Value addr, long offset, Value value, MemFlags flags = MemFlags.None) =>
        Build(op, _f.TypeOf(value), [addr, value], (byte)flags, region.Bits, offset);

    // ---- Traps.

    public Inst Trap(TrapCode code) => Build(Op.Trap, IrType.Invalid, default, (byte)code);
    public void Trapz(Value cond, TrapCode code) => Build(Op.Trapz, IrType.Invalid, [cond], (byte)code);
    public void Trapnz(Value cond, TrapCode code) => Build(Op.Trapnz, IrType.Invalid, [cond], (byte)code);

    /// <summary>Traps with <paramref name="code"/> unless index + end ≤ bound (no overflow).</summary>
    public void BoundsCheck(Value index, ulong end, Value bound, TrapCode code) =>
        Build(Op.BoundsCheck, IrType.Invalid, [index, bound], (byte)code, imm: (long)end);

    // ---- Control.

    public Inst Jump(Block target, ReadOnlySpan<Value> args)
    {
        var i = _f.CreateBranch(Op.Jump, default, 1);
        _f.SetTarget(i, 0, target, args);
        return Place(i);
    }

    public Inst Brif(Value cond, Block then, ReadOnlySpan<Value> thenArgs, Block @else, ReadOnlySpan<Value> elseArgs)
    {
        var i = _f.CreateBranch(Op.Brif, [cond], 2);
        _f.SetTarget(i, 0, then, thenArgs);
        _f.SetTarget(i, 1, @else, elseArgs);
        return Place(i);
    }

    /// <summary>A br_table with <paramref name="targetCount"/> targets (default first), set afterwards with <see cref="Function.SetTarget"/>.</summary>
    public Inst BrTable(Value index, int targetCount) => Place(_f.CreateBranch(Op.BrTable, [index], targetCount));

    public Inst Return(ReadOnlySpan<Value> values) => Build(Op.Return, IrType.Invalid, values);

    /// <summary>A direct call; the results are <see cref="Function.Result"/> of the returned instruction.</summary>
    public Inst Call(FuncRef callee, ReadOnlySpan<Value> args) => Build(Op.Call, IrType.Invalid, args, @ref: callee.Index);

    public Inst CallIndirect(SigRef sig, Value callee, ReadOnlySpan<Value> args) =>
        Build(Op.CallIndirect, IrType.Invalid, Prepend(callee, args), @ref: sig.Index);

    public Inst ReturnCall(FuncRef callee, ReadOnlySpan<Value> args) => Build(Op.ReturnCall, IrType.Invalid, args, @ref: callee.Index);

    public Inst ReturnCallIndirect(SigRef sig, Value callee, ReadOnlySpan<Value> args) =>
        Build(Op.ReturnCallIndirect, IrType.Invalid, Prepend(callee, args), @ref: sig.Index);

    Value[] _scratch = new Value[8];

    ReadOnlySpan<Value> Prepend(Value first, ReadOnlySpan<Value> rest)
    {
        if (_scratch.Length < rest.Length + 1) _scratch = new Value[Math.Max(rest.Length + 1, _scratch.Length * 2)];
        _scratch[0] = first;
        rest.CopyTo(_scratch.AsSpan(1));
        return _scratch.AsSpan(0, rest.Length + 1);
    }
}
