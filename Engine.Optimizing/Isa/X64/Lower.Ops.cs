using Hoist.Isa.X64;
using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Isa.X64;

// Lowering of each IR opcode (integer, float, memory, control). Calls are in Lower.Calls.cs.
public sealed partial class Lower
{
    static int SizeOf(IrType t) => t is IrType.I32 or IrType.F32 ? 4 : 8;

    void LowerInst(Inst i, int vb)
    {
        ref readonly InstData d = ref _f[i];
        var op = d.Op;
        var t = d.Type;
        switch (op)
        {
            case Op.Iconst:
            {
                var mi = M(X64Op.MovImm, SizeOf(t));
                mi.Imm = t == IrType.I32 ? (uint)(int)d.Imm : d.Imm;
                Push(mi, [Operand.Def(VOf(_f.Result(i)))]);
                break;
            }
            case Op.Fconst:
            {
                var mi = M(X64Op.FConst, SizeOf(t));
                mi.Imm = d.Imm;
                Push(mi, [Operand.Def(VOf(_f.Result(i)))]);
                break;
            }
            case Op.Iadd: LowerIadd(i, t); break;
            case Op.Isub: LowerAlu(i, t, AluOp.Sub, commutative: false); break;
            case Op.Band: LowerAlu(i, t, AluOp.And, commutative: true); break;
            case Op.Bor: LowerAlu(i, t, AluOp.Or, commutative: true); break;
            case Op.Bxor: LowerAlu(i, t, AluOp.Xor, commutative: true); break;
            case Op.Imul: LowerImul(i, t); break;
            case Op.Ineg: LowerUnary(i, t, 0); break;
            case Op.Bnot: LowerUnary(i, t, 1); break;
            case Op.Smulhi:
            case Op.Umulhi:
            {
                var mi = M(X64Op.MulHi, SizeOf(t));
                mi.Aux = (byte)(op == Op.Smulhi ? 1 : 0);
                var a = Reg(_f.Arg(i, 0));
                var b = Reg(_f.Arg(i, 1));
                Push(mi, [Operand.FixedUse(a, X64Regs.G(Gpr.Rax)), Operand.Use(b), Operand.FixedDef(VOf(_f.Result(i)), X64Regs.G(Gpr.Rdx))],
                    PRegSet.Empty.With(X64Regs.G(Gpr.Rax)));
                break;
            }
            case Op.Sdiv: LowerDiv(i, t, DivKind.DivS); break;
            case Op.Udiv: LowerDiv(i, t, DivKind.DivU); break;
            case Op.Srem: LowerDiv(i, t, DivKind.RemS); break;
            case Op.Urem: LowerDiv(i, t, DivKind.RemU); break;
            case Op.Ishl: LowerShift(i, t, ShiftOp.Shl); break;
            case Op.Ushr: LowerShift(i, t, ShiftOp.Shr); break;
            case Op.Sshr: LowerShift(i, t, ShiftOp.Sar); break;
            case Op.Rotl: LowerShift(i, t, ShiftOp.Rol); break;
            case Op.Rotr: LowerShift(i, t, ShiftOp.Ror); break;
            case Op.Clz: LowerDefUse(i, X64Op.BitCount, SizeOf(t), 0); break;
            case Op.Ctz: LowerDefUse(i, X64Op.BitCount, SizeOf(t), 1); break;
            case Op.Popcnt: LowerDefUse(i, X64Op.BitCount, SizeOf(t), 2); break;
            case Op.Sext8: LowerDefUse(i, X64Op.Movsx, SizeOf(t), 1); break;
            case Op.Sext16: LowerDefUse(i, X64Op.Movsx, SizeOf(t), 2); break;
            case Op.Sext32:
            case Op.Sextend: LowerDefUse(i, X64Op.Movsx, 8, 4); break;
            case Op.Uextend:
            case Op.Ireduce: LowerDefUse(i, X64Op.Mov, 4, 0); break;
            case Op.Icmp: LowerSetcc(i); break;
            case Op.Fcmp: LowerSetcc(i); break;
            case Op.Select: LowerSelect(i, t); break;

            case Op.Fadd: LowerSse(i, t, SseBin.Add); break;
            case Op.Fsub: LowerSse(i, t, SseBin.Sub); break;
            case Op.Fmul: LowerSse(i, t, SseBin.Mul); break;
            case Op.Fdiv: LowerSse(i, t, SseBin.Div); break;
            case Op.Fmin: LowerSse(i, t, SseBin.Min); break;
            case Op.Fmax: LowerSse(i, t, SseBin.Max); break;
            case Op.Fcopysign: LowerSse(i, t, SseBin.CopySign); break;
            case Op.Fneg: LowerSseUnary(i, t, SseUn.Neg); break;
            case Op.Fabs: LowerSseUnary(i, t, SseUn.Abs); break;
            case Op.Fsqrt: LowerSseUnary(i, t, SseUn.Sqrt); break;
            case Op.Fceil: LowerSseUnary(i, t, SseUn.Ceil); break;
            case Op.Ffloor: LowerSseUnary(i, t, SseUn.Floor); break;
            case Op.Ftrunc: LowerSseUnary(i, t, SseUn.Trunc); break;
            case Op.Fnearest: LowerSseUnary(i, t, SseUn.Nearest); break;
            case Op.Fpromote: LowerConvert(i, ConvKind.FloatToFloat, 8, 4); break;
            case Op.Fdemote: LowerConvert(i, ConvKind.FloatToFloat, 4, 8); break;
            case Op.FcvtToSint: LowerConvert(i, ConvKind.FloatToSInt, SizeOf(t), SizeOf(ArgType(i))); break;
            case Op.FcvtToUint: LowerConvert(i, ConvKind.FloatToUInt, SizeOf(t), SizeOf(ArgType(i))); break;
            case Op.FcvtToSintSat: LowerConvert(i, ConvKind.FloatToSIntSat, SizeOf(t), SizeOf(ArgType(i))); break;
            case Op.FcvtToUintSat: LowerConvert(i, ConvKind.FloatToUIntSat, SizeOf(t), SizeOf(ArgType(i))); break;
            case Op.FcvtFromSint: LowerConvert(i, ConvKind.SIntToFloat, SizeOf(t), SizeOf(ArgType(i))); break;
            case Op.FcvtFromUint: LowerConvert(i, ConvKind.UIntToFloat, SizeOf(t), SizeOf(ArgType(i))); break;
            case Op.Bitcast: LowerConvert(i, ConvKind.Bitcast, SizeOf(t), SizeOf(ArgType(i))); break;

            case Op.Load:
            case Op.Uload8:
            case Op.Sload8:
            case Op.Uload16:
            case Op.Sload16:
            case Op.Uload32:
            case Op.Sload32: LowerLoad(i, op, t); break;
            case Op.Store:
            case Op.Istore8:
            case Op.Istore16:
            case Op.Istore32: LowerStore(i, op, t); break;

            case Op.Trap:
            {
                var mi = M(X64Op.Trap, 8);
                mi.Aux = d.Code;
                Push(mi, []);
                SetSuccessors(vb, []);
                break;
            }
            case Op.Trapz:
            case Op.Trapnz: LowerCondTrap(i, op == Op.Trapnz); break;
            case Op.BoundsCheck: LowerBoundsCheck(i); break;
            case Op.Jump:
            {
                var target = _f.TargetBlock(i, 0);
                var args = _f.TargetArgs(i, 0);
                var vargs = new VReg[args.Length];
                for (int k = 0; k < args.Length; k++) vargs[k] = Reg(args[k]);
                Push(M(X64Op.Jump, 8), []);
                SetSuccessors(vb, [_vblockOf[target.Index]], vargs);
                break;
            }
            case Op.Brif: LowerBrif(i, vb); break;
            case Op.BrTable: LowerBrTable(i, vb); break;
            case Op.Return: LowerReturn(i); SetSuccessors(vb, []); break;
            case Op.Call:
            case Op.CallIndirect: LowerCall(i, tail: false); break;
            case Op.ReturnCall:
            case Op.ReturnCallIndirect: LowerCall(i, tail: true); SetSuccessors(vb, []); break;
            default: throw new NotSupportedException($"x64 lowering of {op.Mnemonic()}");
        }
    }

    IrType ArgType(Inst i) => _f.TypeOf(_f.Arg(i, 0));

    // ---- Integer.

    void LowerDefUse(Inst i, X64Op op, int size, int aux)
    {
        var mi = M(op, size);
        mi.Aux = (byte)aux;
        var src = Reg(_f.Arg(i, 0));
        Push(mi, [Operand.Def(VOf(_f.Result(i))), Operand.Use(src)]);
    }

    void LowerAlu(Inst i, IrType t, AluOp alu, bool commutative)
    {
        Value a = _f.Arg(i, 0), b = _f.Arg(i, 1);
        if (commutative && (IsConst(a, out _) && !IsConst(b, out _) || ReusePrefersSecond(a, b))) (a, b) = (b, a);
        if (commutative && !IsConst(b, out _) && !CanFoldLoad(b) && CanFoldLoad(a)) (a, b) = (b, a);
        var dst = VOf(_f.Result(i));
        if (TryImm32(b, out int imm))
        {
            var mi = M(X64Op.AluRI, SizeOf(t));
            mi.Aux = (byte)alu;
            mi.Imm = imm;
            var ra = Reg(a);
            Push(mi, [Operand.Use(ra), Operand.ReuseDef(dst, 0)]);
            return;
        }
        if (TryAluMem((byte)alu, SizeOf(t), a, b, dst)) return;
        if (alu == AluOp.And && _cpu.Bmi1 && TryAndn(t, a, b, dst)) return;
        var m = M(X64Op.AluRR, SizeOf(t));
        m.Aux = (byte)alu;
        var x = Reg(a);
        var y = Reg(b);
        Push(m, [Operand.Use(x), Operand.Use(y), Operand.ReuseDef(dst, 0)]);
    }

    /// <summary><c>iadd</c>: <c>add</c> with an immediate or a register, or <c>lea</c> (three-address) when both inputs stay live.</summary>
    void LowerIadd(Inst i, IrType t)
    {
        Value a = _f.Arg(i, 0), b = _f.Arg(i, 1);
        if (IsConst(a, out _) && !IsConst(b, out _)) (a, b) = (b, a);
        var dst = VOf(_f.Result(i));
        int size = SizeOf(t);
        if (_f.Resolve(a) == _vmctx && TryImm32(b, out int off))
        {
            var l = M(X64Op.Lea, 8);
            l.MemBase = MInst.Vmctx;
            l.Disp = off;
            Push(l, [Operand.Def(dst)]);
            return;
        }
        if (_flagSetters.Contains(i.Index) && TryImm32(b, out int fimm))
        {
            // The branch after this tests the result's ZF (TryFlagsFromAdd): add, not lea.
            var add = M(X64Op.AluRI, size);
            add.Aux = (byte)AluOp.Add;
            add.Imm = fimm;
            Push(add, [Operand.Use(Reg(a)), Operand.ReuseDef(dst, 0)]);
            return;
        }
        if (TryImm32(b, out int imm))
        {
            // lea keeps the input: no copy when it lives on. x << k + imm is one lea too.
            var l = M(X64Op.Lea, size);
            l.Disp = imm;
            if (TryAbsorbShift(a, out var scaled, out int k))
            {
                l.MemIndex = 1;
                l.MemScaleLog2 = (byte)k;
                Push(l, [Operand.Def(dst), Operand.Use(Reg(scaled))]);
                return;
            }
            l.MemBase = 1;
            Push(l, [Operand.Def(dst), Operand.Use(Reg(a))]);
            return;
        }
        if (!CanFoldLoad(b) && CanFoldLoad(a)) (a, b) = (b, a);
        if (TryAluMem((byte)AluOp.Add, size, a, b, dst)) return;
        var m = M(X64Op.Lea, size);
        m.MemBase = 1;
        m.MemIndex = 2;
        if (TryAbsorbShift(b, out var sb, out int kb)) { b = sb; m.MemScaleLog2 = (byte)kb; }
        else if (TryAbsorbShift(a, out var sa, out int ka)) { a = b; b = sa; m.MemScaleLog2 = (byte)ka; }
        var x = Reg(a);
        var y = Reg(b);
        Push(m, [Operand.Def(dst), Operand.Use(x), Operand.Use(y)]);
    }

    // iadds that must be lowered as a flag-setting `add r, imm` because the branch right after them tests their ZF.
    readonly HashSet<int> _flagSetters = new();

    /// <summary>
    /// A conditional branch on "<paramref name="v"/> != 0" (or == 0) where v is an <c>iadd x, imm</c> that is the IR
    /// instruction right before <paramref name="next"/> (itself right before the branch): the add is lowered as
    /// <c>add r, imm</c> (see LowerIadd) and the branch uses its ZF (<see cref="CmpKind.Flags"/>), as in
    /// <c>sub ecx, 1; jnz</c>. Nothing is emitted between the two but the allocator's moves, which leave the flags alone.
    /// </summary>
    bool TryFlagsFromAdd(ref MInst mi, Value v, Inst next)
    {
        if (_f.OpOf(_cur) != Op.Brif) return false;
        v = _f.Resolve(v);
        var def = _f.DefiningInst(v);
        if (!def.IsValid || _f.OpOf(def) != Op.Iadd || _f.NextInst(def) != next || _f.BlockOf(def) != _block) return false;
        Value a = _f.Arg(def, 0), b = _f.Arg(def, 1);
        if (IsConst(a, out _)) (a, b) = (b, a);
        if (IsConst(a, out _) || _f.Resolve(a) == _vmctx || !IsConst(b, out long k)) return false;
        if (_f.TypeOf(v) == IrType.I64 && k != (int)k) return false;
        _flagSetters.Add(def.Index);
        mi.Cmp = CmpKind.Flags;
        return true;
    }

    /// <summary>A same-block single-use <c>ishl v, k</c> with k in 1..3: an index register's scale (absorbed).</summary>
    bool TryAbsorbShift(Value v, out Value shifted, out int k)
    {
        shifted = Value.None;
        k = 0;
        var def = _f.DefiningInst(v);
        if (!def.IsValid || _f.OpOf(def) != Op.Ishl || !IsConst(_f.Arg(def, 1), out long c) || c is < 1 or > 3) return false;
        if (_f.Resolve(_f.Arg(def, 0)) == _vmctx || !TryAbsorb(v, Op.Ishl, out _)) return false;
        _absorbed[_f.Resolve(_f.Arg(def, 1)).Index]++;
        shifted = _f.Arg(def, 0);
        k = (int)c;
        return true;
    }

    /// <summary>BMI1 <c>andn dst, y, x</c> for <c>band x, (bnot y)</c> (either order) with the bnot single-use in this block.</summary>
    bool TryAndn(IrType t, Value a, Value b, VReg dst)
    {
        if (!IsDefinedBy(_f.Resolve(b), Op.Bnot)) (a, b) = (b, a);
        if (!IsDefinedBy(_f.Resolve(b), Op.Bnot) || !TryAbsorb(b, Op.Bnot, out var not)) return false;
        var mi = M(X64Op.Andn, SizeOf(t));
        var y = Reg(_f.Arg(not, 0));
        var x = Reg(a);
        Push(mi, [Operand.Def(dst), Operand.Use(y), Operand.Use(x)]);
        return true;
    }

    /// <summary><c>op a, [mem]</c> when <paramref name="b"/> is a load that folds (Aux as AluRR: an AluOp, or 8 for imul).</summary>
    bool TryAluMem(byte aux, int size, Value a, Value b, VReg dst)
    {
        if (!CanFoldLoad(b)) return false;
        var m = M(X64Op.AluRM, size);
        m.Aux = aux;
        var x = Reg(a);
        _ops.Clear();
        _ops.Add(Operand.Use(x));
        _ops.Add(Operand.ReuseDef(dst, 0));
        TryFoldLoad(ref m, b);
        Push(m);
        return true;
    }

    /// <summary>
    /// For a commutative two-address op: whether to make the second operand the one the result overwrites. A block
    /// parameter (a loop's accumulator) is preferred: the result then takes its register and the back edge needs no move.
    /// </summary>
    bool ReusePrefersSecond(Value a, Value b) =>
        _f.ValueInfo(_f.Resolve(b)).Kind == ValueKind.Param && _f.ValueInfo(_f.Resolve(a)).Kind != ValueKind.Param
        && !IsConst(b, out _);

    void LowerImul(Inst i, IrType t)
    {
        Value a = _f.Arg(i, 0), b = _f.Arg(i, 1);
        if (IsConst(a, out _) && !IsConst(b, out _) || ReusePrefersSecond(a, b)) (a, b) = (b, a);
        if (!IsConst(b, out _) && !CanFoldLoad(b) && CanFoldLoad(a)) (a, b) = (b, a);
        var dst = VOf(_f.Result(i));
        if (TryImm32(b, out int imm))
        {
            var mi = M(X64Op.ImulRRI, SizeOf(t));
            mi.Imm = imm;
            Push(mi, [Operand.Def(dst), Operand.Use(Reg(a))]);
            return;
        }
        if (TryAluMem(8, SizeOf(t), a, b, dst)) return;
        var m = M(X64Op.AluRR, SizeOf(t));
        m.Aux = 8;
        var x = Reg(a);
        var y = Reg(b);
        Push(m, [Operand.Use(x), Operand.Use(y), Operand.ReuseDef(dst, 0)]);
    }

    void LowerUnary(Inst i, IrType t, int aux)
    {
        var mi = M(X64Op.Unary, SizeOf(t));
        mi.Aux = (byte)aux;
        var a = Reg(_f.Arg(i, 0));
        Push(mi, [Operand.Use(a), Operand.ReuseDef(VOf(_f.Result(i)), 0)]);
    }

    void LowerShift(Inst i, IrType t, ShiftOp shift)
    {
        var dst = VOf(_f.Result(i));
        int size = SizeOf(t);
        if (IsConst(_f.Arg(i, 1), out long c))
        {
            _absorbed[_f.Resolve(_f.Arg(i, 1)).Index]++;
            if (_cpu.Bmi2 && shift is ShiftOp.Rol or ShiftOp.Ror && (c & (size * 8 - 1)) != 0)
            {
                // rorx: non-destructive (no copy when the input lives on), flags untouched. rotl k = rotr (w - k).
                var r = M(X64Op.Rorx, size);
                int bits = size * 8;
                r.Imm = shift == ShiftOp.Ror ? c & (bits - 1) : (bits - (c & (bits - 1))) & (bits - 1);
                Push(r, [Operand.Def(dst), Operand.Use(Reg(_f.Arg(i, 0)))]);
                return;
            }
            var mi = M(X64Op.ShiftRI, size);
            mi.Aux = (byte)shift;
            mi.Imm = c & (size * 8 - 1);
            Push(mi, [Operand.Use(Reg(_f.Arg(i, 0))), Operand.ReuseDef(dst, 0)]);
            return;
        }
        if (_cpu.Bmi2 && shift is ShiftOp.Shl or ShiftOp.Shr or ShiftOp.Sar)
        {
            // shlx/shrx/sarx: the count in any register (no rcx constraint), non-destructive; they mask the count as wasm does.
            var x = M(X64Op.ShiftX, size);
            x.Aux = (byte)shift;
            var src = Reg(_f.Arg(i, 0));
            var count = Reg(_f.Arg(i, 1));
            Push(x, [Operand.Def(dst), Operand.Use(src), Operand.Use(count)]);
            return;
        }
        var m = M(X64Op.ShiftRC, size);
        m.Aux = (byte)shift;
        var a = Reg(_f.Arg(i, 0));
        var n = Reg(_f.Arg(i, 1));
        Push(m, [Operand.Use(a), Operand.FixedUse(n, X64Regs.G(Gpr.Rcx)), Operand.ReuseDef(dst, 0)]);
    }

    void LowerDiv(Inst i, IrType t, DivKind kind)
    {
        // rdx is clobbered by the sequence: a dummy fixed use keeps the divisor out of it.
        var reserved = NewVReg(RegClass.Int);
        Push(M(X64Op.MovImm, 4), [Operand.Def(reserved)]);
        var mi = M(X64Op.Div, SizeOf(t));
        mi.Aux = (byte)kind;
        var rax = X64Regs.G(Gpr.Rax);
        var rdx = X64Regs.G(Gpr.Rdx);
        var clobbers = PRegSet.Empty.With(rax).With(rdx);
        var result = Operand.FixedDef(VOf(_f.Result(i)), kind.IsRemainder() ? rdx : rax);
        if (IsConst(_f.Arg(i, 1), out long c))
        {
            _absorbed[_f.Resolve(_f.Arg(i, 1)).Index]++;
            mi.Aux2 = 1;
            mi.Imm = c;
            var x = Reg(_f.Arg(i, 0));
            Push(mi, [Operand.FixedUse(x, rax), Operand.FixedUse(reserved, rdx), result], clobbers);
            return;
        }
        var a = Reg(_f.Arg(i, 0));
        var b = Reg(_f.Arg(i, 1));
        if (b == a)
        {
            // The divisor must not be rax: give it its own vreg.
            var copy = NewVReg(RegClass.Int);
            Push(M(X64Op.Mov, 8), [Operand.Def(copy), Operand.Use(a)]);
            b = copy;
        }
        Push(mi, [Operand.FixedUse(a, rax), Operand.FixedUse(reserved, rdx), Operand.Use(b), result], clobbers);
    }

    // ---- Conditions.

    static Cond CondOf(IntCC cc) => cc switch
    {
        IntCC.Eq => Cond.Equal,
        IntCC.Ne => Cond.NotEqual,
        IntCC.Slt => Cond.Less,
        IntCC.Sge => Cond.GreaterOrEqual,
        IntCC.Sgt => Cond.Greater,
        IntCC.Sle => Cond.LessOrEqual,
        IntCC.Ult => Cond.Below,
        IntCC.Uge => Cond.AboveOrEqual,
        IntCC.Ugt => Cond.Above,
        _ => Cond.BelowOrEqual,
    };

    /// <summary>ucomis flags: the condition, whether the operands are swapped, and the second flag Eq/Ne need.</summary>
    static (Cond Cond, bool Swap, FloatExtra Extra) CondOf(FloatCC cc) => cc switch
    {
        FloatCC.Eq => (Cond.Equal, false, FloatExtra.AndNotParity),
        FloatCC.Ne => (Cond.NotEqual, false, FloatExtra.OrParity),
        FloatCC.Gt => (Cond.Above, false, FloatExtra.None),
        FloatCC.Ge => (Cond.AboveOrEqual, false, FloatExtra.None),
        FloatCC.Lt => (Cond.Above, true, FloatExtra.None),
        FloatCC.Le => (Cond.AboveOrEqual, true, FloatExtra.None),
        FloatCC.Ord => (Cond.NotParity, false, FloatExtra.None),
        FloatCC.Uno => (Cond.Parity, false, FloatExtra.None),
        FloatCC.Ueq => (Cond.Equal, false, FloatExtra.None),
        FloatCC.One => (Cond.NotEqual, false, FloatExtra.None),
        FloatCC.Ult => (Cond.Below, false, FloatExtra.None),
        FloatCC.Ule => (Cond.BelowOrEqual, false, FloatExtra.None),
        FloatCC.Ugt => (Cond.Below, true, FloatExtra.None),
        _ => (Cond.BelowOrEqual, true, FloatExtra.None),
    };

    /// <summary>
    /// Adds the compare prefix for "<paramref name="cond"/> is non-zero" to <paramref name="mi"/> and its operands
    /// to <see cref="_ops"/>: a single-use icmp (or fcmp, when <paramref name="allowFloatExtra"/> or its condition
    /// is one flag test) in this block is fused, else <c>test c, c</c>.
    /// </summary>
    void AddCondition(ref MInst mi, Value cond, bool allowFloatExtra, bool intoTrap = false)
    {
        var def = _f.DefiningInst(cond);
        if (def.IsValid && _f.OpOf(def) == Op.Icmp && TryAbsorb(cond, Op.Icmp, out _))
        {
            AddIcmp(ref mi, def, intoTrap);
            return;
        }
        if (def.IsValid && _f.OpOf(def) == Op.Fcmp && (allowFloatExtra || CondOf((FloatCC)_f[def].Code).Extra == FloatExtra.None)
            && TryAbsorb(cond, Op.Fcmp, out _))
        {
            AddFcmp(ref mi, def);
            return;
        }
        mi.Cond = Cond.NotEqual;
        mi.CmpSize = (byte)SizeOf(_f.TypeOf(cond));
        if (TryFlagsFromAdd(ref mi, cond, _cur)) return;
        if (TryFoldLoad(ref mi, cond, intoTrap))
        {
            mi.Cmp = CmpKind.MemImm;
            mi.Imm = 0;
            return;
        }
        AddTest(ref mi, cond, count: true);
    }

    /// <summary>"<paramref name="v"/> is zero or not": <c>test v, v</c>, or <c>test x, imm</c> for a same-block single-use <c>band x, imm</c>.</summary>
    void AddTest(ref MInst mi, Value v, bool count)
    {
        var def = _f.DefiningInst(v);
        if (def.IsValid && _f.OpOf(def) == Op.Band)
        {
            Value x = _f.Arg(def, 0), c = _f.Arg(def, 1);
            if (IsConst(x, out _)) (x, c) = (c, x);
            if (IsConst(c, out long k) && (_f.TypeOf(v) == IrType.I32 || k == (int)k) && (count ? TryAbsorb(v, Op.Band, out _) : _absorbed[_f.Resolve(v).Index] > 0))
            {
                if (count) TryImm32(c, out _);
                mi.Cmp = CmpKind.TestImm;
                mi.Imm = (int)k;
                _ops.Add(Operand.Use(Reg(x)));
                return;
            }
        }
        mi.Cmp = CmpKind.Test;
        _ops.Add(Operand.Use(Reg(v)));
    }

    /// <summary>
    /// Adds the compare prefix of <paramref name="cmp"/>. A compare lowered exactly once (a single use) may fold a load
    /// operand (<c>cmp r, [m]</c>, <c>cmp [m], imm</c>); <paramref name="intoTrap"/>: the user is a conditional trap.
    /// </summary>
    void AddIcmp(ref MInst mi, Inst cmp, bool intoTrap = false)
    {
        var cc = (IntCC)_f[cmp].Code;
        Value a = _f.Arg(cmp, 0), b = _f.Arg(cmp, 1);
        mi.CmpSize = (byte)SizeOf(_f.TypeOf(a));
        if (IsConst(a, out _) && !IsConst(b, out _))
        {
            (a, b) = (b, a);
            cc = cc.Swapped();
        }
        bool fold = _uses[_f.Result(cmp).Index] == 1;
        if (fold && !IsConst(b, out _) && !CanFoldLoad(b, intoTrap) && CanFoldLoad(a, intoTrap))
        {
            (a, b) = (b, a);
            cc = cc.Swapped();
        }
        mi.Cond = CondOf(cc);
        // The compare may be lowered at several users (and materialized too): count its use of a constant once.
        bool count = _cmpCounted.Add(cmp.Index);
        if (IsConst(b, out long c) && c == 0 && cc is IntCC.Eq or IntCC.Ne)
        {
            if (count) _absorbed[_f.Resolve(b).Index]++;
            if (fold && _f.NextInst(cmp) == _cur && TryFlagsFromAdd(ref mi, a, cmp)) return;
            if (fold && TryFoldLoad(ref mi, a, intoTrap))
            {
                mi.Cmp = CmpKind.MemImm;
                mi.Imm = 0;
                return;
            }
            AddTest(ref mi, a, count);
            return;
        }
        if (TryImm32(b, out int imm, count))
        {
            mi.Imm = imm;
            if (fold && TryFoldLoad(ref mi, a, intoTrap))
            {
                mi.Cmp = CmpKind.MemImm;
                return;
            }
            mi.Cmp = CmpKind.Imm;
            _ops.Add(Operand.Use(Reg(a)));
            return;
        }
        if (fold && CanFoldLoad(b, intoTrap))
        {
            mi.Cmp = CmpKind.RegMem;
            _ops.Add(Operand.Use(Reg(a)));
            TryFoldLoad(ref mi, b, intoTrap);
            return;
        }
        mi.Cmp = CmpKind.Reg;
        var x = Reg(a);
        var y = Reg(b);
        _ops.Add(Operand.Use(x));
        _ops.Add(Operand.Use(y));
    }

    void AddFcmp(ref MInst mi, Inst cmp)
    {
        var (cond, swap, extra) = CondOf((FloatCC)_f[cmp].Code);
        Value a = _f.Arg(cmp, 0), b = _f.Arg(cmp, 1);
        if (swap) (a, b) = (b, a);
        mi.Cmp = CmpKind.Float;
        mi.Cond = cond;
        mi.Aux2 = (byte)extra;
        mi.CmpSize = (byte)SizeOf(_f.TypeOf(a));
        var x = Reg(a);
        var y = Reg(b);
        _ops.Add(Operand.Use(x));
        _ops.Add(Operand.Use(y));
    }

    void LowerSetcc(Inst i)
    {
        var mi = M(X64Op.Setcc, 4);
        _ops.Clear();
        if (_f.OpOf(i) == Op.Icmp) AddIcmp(ref mi, i);
        else AddFcmp(ref mi, i);
        _ops.Add(Operand.Def(VOf(_f.Result(i))));
        Push(mi);
    }

    void LowerSelect(Inst i, IrType t)
    {
        var mi = M(X64Op.Select, SizeOf(t));
        mi.Aux = (byte)(t.IsFloat() ? 1 : 0);
        _ops.Clear();
        AddCondition(ref mi, _f.Arg(i, 0), allowFloatExtra: false);
        int k = _ops.Count;
        var x = Reg(_f.Arg(i, 1));
        var y = Reg(_f.Arg(i, 2));
        _ops.Add(Operand.Use(x));
        _ops.Add(Operand.Use(y));
        _ops.Add(Operand.ReuseDef(VOf(_f.Result(i)), k + 1));
        Push(mi);
    }

    void LowerCondTrap(Inst i, bool whenNonZero)
    {
        var mi = M(X64Op.TrapIf, 8);
        mi.Aux = _f[i].Code;
        _ops.Clear();
        AddCondition(ref mi, _f.Arg(i, 0), allowFloatExtra: false, intoTrap: true);
        if (!whenNonZero) mi.Cond = mi.Cond.Invert();
        if (mi.Cmp == CmpKind.Float)
        {
            // An inverted single-flag float condition is still one flag test (parity included).
        }
        Push(mi);
    }

    void LowerBoundsCheck(Inst i)
    {
        var mi = M(X64Op.BoundsCheck, 8);
        mi.Aux = _f[i].Code;
        mi.Imm = _f[i].Imm;
        Value index = _f.Arg(i, 0);
        mi.Aux2 = (byte)(IsDefinedBy(_f.Resolve(index), Op.Uextend) ? 1 : 0);
        var x = Reg(index);
        _ops.Clear();
        _ops.Add(Operand.Use(x));
        Value bound = _f.Resolve(_f.Arg(i, 1));
        var load = _f.DefiningInst(bound);
        if (load.IsValid && _f.OpOf(load) == Op.Load && NothingWritesBetween(load, i) && TryAbsorb(bound, Op.Load, out _))
        {
            // cmp against the length in memory: one register and one instruction fewer.
            mi.Flags |= MInst.FlagBoundInMemory;
            AddAddress(ref mi, _f.Arg(load, 0), _f[load].Imm);
        }
        else _ops.Add(Operand.Use(Reg(bound)));
        Push(mi);
    }

    /// <summary>True when no instruction strictly between <paramref name="from"/> and <paramref name="to"/> (same block) stores or calls.</summary>
    bool NothingWritesBetween(Inst from, Inst to)
    {
        if (_f.BlockOf(from) != _f.BlockOf(to)) return false;
        for (var k = _f.NextInst(from); k.IsValid && k != to; k = _f.NextInst(k))
            if (_f.OpOf(k).IsStore() || _f.OpOf(k).IsCall()) return false;
        return true;
    }

    // ---- Float.

    /// <summary>Whether an SSE binary op is selected in its three-operand AVX form ([def dst, use a, use b | mem]).</summary>
    internal static bool IsVex3(SseBin bin, X64Features cpu) => cpu.Avx && bin is SseBin.Add or SseBin.Sub or SseBin.Mul or SseBin.Div;

    void LowerSse(Inst i, IrType t, SseBin bin)
    {
        var mi = M(X64Op.SseRR, SizeOf(t));
        mi.Aux = (byte)bin;
        bool vex = IsVex3(bin, _cpu);
        Value x = _f.Arg(i, 0), y = _f.Arg(i, 1);
        if (!vex && bin is SseBin.Add or SseBin.Mul && ReusePrefersSecond(x, y)) (x, y) = (y, x);
        if (bin is SseBin.Add or SseBin.Mul && !CanFoldLoad(y) && CanFoldLoad(x)) (x, y) = (y, x);
        var dst = VOf(_f.Result(i));
        if (bin is SseBin.Add or SseBin.Sub or SseBin.Mul or SseBin.Div && CanFoldLoad(y))
        {
            var rm = M(X64Op.SseRM, SizeOf(t));
            rm.Aux = (byte)bin;
            var ra = Reg(x);
            _ops.Clear();
            if (vex)
            {
                _ops.Add(Operand.Def(dst));
                _ops.Add(Operand.Use(ra));
            }
            else
            {
                _ops.Add(Operand.Use(ra));
                _ops.Add(Operand.ReuseDef(dst, 0));
            }
            TryFoldLoad(ref rm, y);
            Push(rm);
            return;
        }
        var a = Reg(x);
        var b = Reg(y);
        if (vex) Push(mi, [Operand.Def(dst), Operand.Use(a), Operand.Use(b)]);
        else Push(mi, [Operand.Use(a), Operand.Use(b), Operand.ReuseDef(dst, 0)]);
    }

    void LowerSseUnary(Inst i, IrType t, SseUn un)
    {
        var mi = M(X64Op.SseUnary, SizeOf(t));
        mi.Aux = (byte)un;
        var a = Reg(_f.Arg(i, 0));
        if (un is SseUn.Neg or SseUn.Abs) Push(mi, [Operand.Use(a), Operand.ReuseDef(VOf(_f.Result(i)), 0)]);
        else Push(mi, [Operand.Def(VOf(_f.Result(i))), Operand.Use(a)]);
    }

    void LowerConvert(Inst i, ConvKind kind, int dstSize, int srcSize)
    {
        var mi = M(X64Op.Convert, dstSize);
        mi.Aux = (byte)kind;
        mi.Aux2 = (byte)srcSize;
        var src = Reg(_f.Arg(i, 0));
        var dst = VOf(_f.Result(i));
        if (kind == ConvKind.UIntToFloat && srcSize == 8)
            Push(mi, [Operand.Def(dst), Operand.Use(src), Operand.EarlyDef(NewVReg(RegClass.Int))]);
        else Push(mi, [Operand.Def(dst), Operand.Use(src)]);
    }

    // ---- Memory.

    /// <summary>
    /// Fills the memory operand of <paramref name="mi"/> for <c>addr + offset</c> and adds its registers to
    /// <see cref="_ops"/>: r14 for the VMContext, a same-block single-use <c>iadd</c> folded into base + index
    /// (an <c>ishl</c> by 1..3 into the scale, a constant into the displacement).
    /// </summary>
    void AddAddress(ref MInst mi, Value addr, long offset)
    {
        addr = _f.Resolve(addr);
        if (offset > int.MaxValue)
        {
            // Rare: an offset beyond disp32. Add it first.
            var sum = NewVReg(RegClass.Int);
            var k = NewVReg(RegClass.Int);
            var c = M(X64Op.MovImm, 8);
            c.Imm = offset;
            Push(c, [Operand.Def(k)]);
            var add = M(X64Op.Lea, 8);
            add.MemBase = 1;
            add.MemIndex = 2;
            Push(add, [Operand.Def(sum), Operand.Use(Reg(addr)), Operand.Use(k)]);
            mi.MemBase = (byte)_ops.Count;
            _ops.Add(Operand.Use(sum));
            return;
        }
        mi.Disp = (int)offset;
        if (addr == _vmctx)
        {
            mi.MemBase = MInst.Vmctx;
            return;
        }
        if (IsDefinedBy(addr, Op.Iadd) && TryShareAddress(ref mi, addr)) return;
        if (TryAbsorb(addr, Op.Iadd, out var add2))
        {
            Value x = _f.Arg(add2, 0), y = _f.Arg(add2, 1);
            if (_f.Resolve(y) == _vmctx || IsConst(x, out _)) (x, y) = (y, x);
            if (IsConst(y, out long cy) && offset + cy is >= int.MinValue and <= int.MaxValue && TryImm32(y, out _))
            {
                mi.Disp = (int)(offset + cy);
                AddBase(ref mi, x);
                return;
            }
            AddBase(ref mi, x);
            int scale = 0;
            var yy = _f.Resolve(y);
            var sh = _f.DefiningInst(yy);
            if (sh.IsValid && _f.OpOf(sh) == Op.Ishl && IsConst(_f.Arg(sh, 1), out long k) && k is >= 1 and <= 3 && TryAbsorb(yy, Op.Ishl, out _))
            {
                _absorbed[_f.Resolve(_f.Arg(sh, 1)).Index]++;
                scale = (int)k;
                yy = _f.Arg(sh, 0);
            }
            mi.MemIndex = (byte)_ops.Count;
            mi.MemScaleLog2 = (byte)scale;
            _ops.Add(Operand.Use(Reg(yy)));
            return;
        }
        mi.MemBase = (byte)_ops.Count;
        _ops.Add(Operand.Use(Reg(addr)));
    }

    void AddBase(ref MInst mi, Value x)
    {
        if (_f.Resolve(x) == _vmctx) { mi.MemBase = MInst.Vmctx; return; }
        mi.MemBase = (byte)_ops.Count;
        _ops.Add(Operand.Use(Reg(x)));
    }

    static bool IsLinearMemory(int region) => new AliasRegion(region).Kind == RegionKind.Memory;

    void LowerLoad(Inst i, Op op, IrType t)
    {
        ref readonly InstData d = ref _f[i];
        var mi = M(X64Op.Load, SizeOf(t));
        (mi.Aux, mi.Aux2) = op switch
        {
            Op.Uload8 => ((byte)1, (byte)1),
            Op.Sload8 => ((byte)2, (byte)1),
            Op.Uload16 => ((byte)1, (byte)2),
            Op.Sload16 => ((byte)2, (byte)2),
            Op.Uload32 => ((byte)1, (byte)4),
            Op.Sload32 => ((byte)2, (byte)4),
            _ => (t.IsFloat() ? (byte)3 : (byte)0, (byte)0),
        };
        if (IsLinearMemory(d.Ref)) mi.Flags = MInst.FlagLinearMemory;
        _ops.Clear();
        _ops.Add(Operand.Def(VOf(_f.Result(i))));
        AddAddress(ref mi, _f.Arg(i, 0), d.Imm);
        Push(mi);
    }

    void LowerStore(Inst i, Op op, IrType t)
    {
        ref readonly InstData d = ref _f[i];
        int size = op switch { Op.Istore8 => 1, Op.Istore16 => 2, Op.Istore32 => 4, _ => SizeOf(t) };
        Value value = _f.Arg(i, 1);
        _ops.Clear();
        MInst mi;
        if (!t.IsFloat() && TryImm32(value, out int imm))
        {
            mi = M(X64Op.StoreImm, size);
            mi.Imm = size switch { 1 => (sbyte)imm, 2 => (short)imm, _ => imm };
        }
        else
        {
            mi = M(X64Op.Store, size);
            mi.Aux = (byte)(t.IsFloat() ? 3 : 0);
            _ops.Add(Operand.Use(Reg(value)));
        }
        if (IsLinearMemory(d.Ref)) mi.Flags = MInst.FlagLinearMemory;
        AddAddress(ref mi, _f.Arg(i, 0), d.Imm);
        Push(mi);
    }

    // ---- Control.

    void LowerBrif(Inst i, int vb)
    {
        var mi = M(X64Op.Brif, 8);
        _ops.Clear();
        AddCondition(ref mi, _f.Arg(i, 0), allowFloatExtra: true);
        var ops = _ops.ToArray();
        int s0 = SuccessorOf(i, 0), s1 = SuccessorOf(i, 1);
        SetEdgeArgsOf(i, 0, s0);
        SetEdgeArgsOf(i, 1, s1);
        if (s0 == s1)
        {
            // Both targets are one edge: an unconditional jump (a single-successor block must end in a plain jump,
            // which is where the allocator puts the edge's moves).
            Push(M(X64Op.Jump, 8), []);
            SetSuccessors(vb, [s0]);
            return;
        }
        Push(mi, ops);
        SetSuccessors(vb, [s0, s1]);
    }

    /// <summary>Gives an edge block (if target t goes through one) the vregs of its arguments.</summary>
    void SetEdgeArgsOf(Inst term, int t, int succ)
    {
        if (_vblocks[succ].Ir.IsValid) return;
        if (_vblocks[succ].Args is not null) return;
        var args = _f.TargetArgs(term, t);
        var vargs = new VReg[args.Length];
        for (int k = 0; k < args.Length; k++) vargs[k] = Reg(args[k]);
        SetEdgeArgs(succ, vargs);
    }

    void LowerBrTable(Inst i, int vb)
    {
        int n = _f.TargetCount(i);
        var succs = new List<int>();
        var entries = new int[n];
        for (int t = 0; t < n; t++)
        {
            int s = SuccessorOf(i, t);
            int k = succs.IndexOf(s);
            if (k < 0) { k = succs.Count; succs.Add(s); SetEdgeArgsOf(i, t, s); }
            entries[t] = k;
        }
        if (succs.Count == 1)
        {
            // Every entry goes one way: a plain jump (see LowerBrif).
            Push(M(X64Op.Jump, 8), []);
            SetSuccessors(vb, [succs[0]]);
            return;
        }
        var mi = M(X64Op.BrTable, 4);
        mi.Imm = _tables.Count;
        _tables.Add(entries);
        var index = Reg(_f.Arg(i, 0));
        Push(mi, [Operand.Use(index), Operand.ReuseDef(NewVReg(RegClass.Int), 0)]);
        SetSuccessors(vb, [.. succs]);
    }

    void LowerReturn(Inst i)
    {
        var abi = AbiOf(_f.Signature);
        var args = _f.Args(i);
        var vregs = new VReg[args.Length];
        for (int k = 0; k < args.Length; k++) vregs[k] = Reg(args[k]);
        _ops.Clear();
        for (int k = 0; k < args.Length; k++)
        {
            var loc = abi.Results[k];
            _ops.Add(loc.IsStack ? Operand.Use(vregs[k], OperandConstraint.Any) : Operand.FixedUse(vregs[k], PRegOf(loc)));
        }
        Push(M(X64Op.Return, 8));
    }
}
