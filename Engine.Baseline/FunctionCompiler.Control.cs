using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Baseline;

// Blocks, loops, ifs, branches and returns (see Control for the invariants at labels).
internal sealed partial class FunctionCompiler
{
    Control[] _ctrl = new Control[16];
    int _cp;
    ValType[] _typePool = new ValType[32];
    int _typeTop;
    bool _unreachable;
    int _deadNesting;
    // br_table: the label chosen per target depth (valid while one br_table is compiled).
    Label[] _depthLabels = new Label[16];

    void ResetControlState()
    {
        _cp = 0;
        _typeTop = 0;
        _unreachable = false;
        _deadNesting = 0;
    }

    ref Control Innermost => ref _ctrl[_cp - 1];

    ref Control FrameAt(uint depth) => ref _ctrl[_cp - 1 - (int)depth];

    void PushControl(ControlKind kind, ReadOnlySpan<ValType> parameters, ReadOnlySpan<ValType> results, int height)
    {
        if (_cp == _ctrl.Length) Array.Resize(ref _ctrl, _cp * 2);
        int need = _typeTop + parameters.Length + results.Length;
        if (need > _typePool.Length) Array.Resize(ref _typePool, Math.Max(need, _typePool.Length * 2));
        parameters.CopyTo(_typePool.AsSpan(_typeTop));
        results.CopyTo(_typePool.AsSpan(_typeTop + parameters.Length));
        _ctrl[_cp++] = new Control
        {
            Kind = kind,
            Height = height,
            ParamCount = parameters.Length,
            ResultCount = results.Length,
            TypesStart = _typeTop,
            Label = _masm.NewLabel(),
        };
        _typeTop = need;
    }

    void PopControl()
    {
        _typeTop = Innermost.TypesStart;
        _cp--;
    }

    ReadOnlySpan<ValType> ParamTypes(in Control c) => _typePool.AsSpan(c.TypesStart, c.ParamCount);

    ReadOnlySpan<ValType> ResultTypes(in Control c) => _typePool.AsSpan(c.TypesStart + c.ParamCount, c.ResultCount);

    /// <summary>The rest of the innermost frame is dead code: forget its values.</summary>
    void SetUnreachable()
    {
        TruncateStack(Innermost.Height);
        _unreachable = true;
        // Below a frame's height everything is spilled, so no register is in use any more (a callee's
        // VMFuncRef held for a tail call, for instance, is no longer needed).
        _freeGpr = s_allGpr;
        _freeXmm = s_allXmm;
    }

    /// <summary>At a merge, with the stack cut back to a frame's height, every register must be free again.</summary>
    void CheckRegistersFree()
    {
        if (_stackRegs != 0 || _freeGpr.Bits != s_allGpr.Bits || _freeXmm.Bits != s_allXmm.Bits)
            throw new InvalidOperationException(
                $"register bookkeeping is off at a merge: {_stackRegs} register entries, free gpr 0x{_freeGpr.Bits:x}, xmm 0x{_freeXmm.Bits:x}");
    }

    // ---- Entering blocks.

    void EnterBlock(ControlKind kind, in Operator op)
    {
        ReadOnlySpan<ValType> parameters = _validator.FrameParams(0);
        SpillAll();
        int height = _sp - parameters.Length;
        PushControl(kind, parameters, _validator.FrameResults(0), height);
        if (kind != ControlKind.Loop) return;
        // A loop's parameters are where back edges put them: in their slots, not constants.
        for (int i = height; i < _sp; i++)
        {
            ref Entry e = ref _stack[i];
            if (e.Kind == EntryKind.Const)
            {
                StoreTo(Rbp(SlotOffset(i)), e);
                e = Entry.InSlot(e.Type, SlotOffset(i));
            }
        }
        _masm.Bind(Innermost.Label);
        EmitInterruptCheck();
    }

    void EnterIf(in Operator op)
    {
        Entry cond = Pop();
        ReadOnlySpan<ValType> parameters = _validator.FrameParams(0);
        SpillAll();
        Label elseLabel = _masm.NewLabel();
        JumpUnless(cond, elseLabel);
        int n = parameters.Length;
        int hidden = _sp - n;
        // With parameters, the entries stay below the frame (hidden) and the then arm gets copies, so the
        // else arm still finds them after the then arm has reused the slots above.
        PushControl(ControlKind.If, parameters, _validator.FrameResults(0), height: _sp);
        ref Control c = ref Innermost;
        c.ElseLabel = elseLabel;
        c.ElseReachable = true;
        c.HiddenParams = n;
        if (n > 0) PushHiddenParams(hidden, n);
    }

    /// <summary>Copies the <paramref name="n"/> entries from position <paramref name="from"/> to the top (into their slots).</summary>
    void PushHiddenParams(int from, int n)
    {
        for (int k = 0; k < n; k++)
        {
            Entry e = _stack[from + k];
            if (e.Kind == EntryKind.Const) { Push(e); continue; }
            int slot = SlotOffset(_sp);
            StoreTo(Rbp(slot), e);
            Push(Entry.InSlot(e.Type, slot));
        }
    }

    /// <summary>Jumps to <paramref name="target"/> when the i32 condition <paramref name="cond"/> (popped) is zero; frees it.</summary>
    void JumpUnless(Entry cond, Label target) => _masm.Jcc(TestCondition(cond).Invert(), target);

    /// <summary>Emits what sets the flags for an i32 condition (popped; freed here) and returns the condition meaning "non-zero".</summary>
    Cond TestCondition(Entry cond)
    {
        switch (cond.Kind)
        {
            case EntryKind.Flags:
                return cond.Cond;
            case EntryKind.Reg:
                _masm.Test(Width.W32, cond.Gpr, cond.Gpr);
                FreeGpr(cond.Gpr);
                return Cond.NotEqual;
            case EntryKind.Const:
                // Rare (constant conditions): set the flags from the scratch register.
                _masm.MovImm(Width.W32, Scratch, (uint)cond.Bits);
                _masm.Test(Width.W32, Scratch, Scratch);
                return Cond.NotEqual;
            default:
                _masm.Cmp(Width.W32, MemOf(cond), 0);
                return Cond.NotEqual;
        }
    }

    // ---- Else and end.

    void Else()
    {
        ref Control c = ref Innermost;
        if (!_unreachable)
        {
            StoreTopTo(c.ResultCount, c.Height);
            c.EndTargeted = true;
            _masm.Jmp(c.Label);
        }
        TruncateStack(c.Height);
        CheckRegistersFree();
        _masm.Bind(c.ElseLabel);
        c.Kind = ControlKind.Else;
        _unreachable = !c.ElseReachable;
        if (!_unreachable && c.HiddenParams > 0) PushHiddenParams(c.Height - c.HiddenParams, c.HiddenParams);
    }

    void End()
    {
        ref Control c = ref Innermost;
        bool fallsThrough = !_unreachable;
        switch (c.Kind)
        {
            case ControlKind.Function:
                if (fallsThrough) EmitReturn();
                PopControl();
                _unreachable = true;
                return;

            case ControlKind.Loop:
                // Branches went to the head; the end is reached only by falling through.
                PopControl();
                if (!fallsThrough) SetUnreachable();
                return;

            case ControlKind.If:
                EndIfWithoutElse(ref c, fallsThrough);
                return;
        }

        // Block, or the else arm of an if.
        if (!c.EndTargeted && c.HiddenParams == 0)
        {
            // Nothing else arrives at the end: the results stay where they are.
            PopControl();
            if (!fallsThrough) SetUnreachable();
            return;
        }
        if (fallsThrough) StoreTopTo(c.ResultCount, c.Height);
        bool reachable = fallsThrough || c.EndTargeted;
        FinishMerge(ref c, reachable);
    }

    void EndIfWithoutElse(ref Control c, bool fallsThrough)
    {
        // The missing else arm passes the parameters through as the results.
        int n = c.HiddenParams;
        if (n == 0)
        {
            // No values: the then arm falls into the else label directly.
            _masm.Bind(c.ElseLabel);
            bool reachable0 = fallsThrough || c.ElseReachable || c.EndTargeted;
            TruncateStack(c.Height);
            if (c.EndTargeted) _masm.Bind(c.Label);
            PopControl();
            _unreachable = !reachable0;
            if (_unreachable) SetUnreachable();
            return;
        }
        if (fallsThrough)
        {
            StoreTopTo(c.ResultCount, c.Height);
            c.EndTargeted = true;
            _masm.Jmp(c.Label);
        }
        TruncateStack(c.Height);
        _masm.Bind(c.ElseLabel);
        if (c.ElseReachable)
        {
            PushHiddenParams(c.Height - n, n);
            StoreTopTo(n, c.Height);
            TruncateStack(c.Height);
        }
        FinishMerge(ref c, fallsThrough || c.ElseReachable || c.EndTargeted);
    }

    /// <summary>
    /// The end of a frame whose results arrive in their slots from several paths: binds the label and pushes
    /// the results as slot entries (moved down over the hidden parameters of an if, if it had any).
    /// </summary>
    void FinishMerge(ref Control c, bool reachable)
    {
        TruncateStack(c.Height);
        CheckRegistersFree();
        _masm.Bind(c.Label);
        int hidden = c.HiddenParams;
        int height = c.Height;
        int count = c.ResultCount;
        int typesAt = c.TypesStart + c.ParamCount;
        PopControl();
        if (!reachable)
        {
            SetUnreachable();
            return;
        }
        _unreachable = false;
        TruncateStack(height - hidden);
        for (int k = 0; k < count; k++)
        {
            ValKind kind = KindOf(_typePool[typesAt + k]);
            if (hidden > 0)
            {
                _masm.Mov(Width.W64, Scratch, Rbp(SlotOffset(height + k)));
                _masm.Mov(Width.W64, Rbp(SlotOffset(_sp)), Scratch);
            }
            PushSlot(kind);
        }
    }

    // ---- Branches.

    /// <summary>Stores the values a branch to <paramref name="target"/> carries in their slots and jumps; a branch to the function returns.</summary>
    void BranchTo(ref Control target)
    {
        if (target.Kind == ControlKind.Function) { EmitReturn(); return; }
        StoreTopTo(target.LabelArity, target.Height);
        if (target.Kind != ControlKind.Loop) target.EndTargeted = true;
        _masm.Jmp(target.Label);
    }

    void Br(uint depth)
    {
        BranchTo(ref FrameAt(depth));
        SetUnreachable();
    }

    void BrIf(uint depth) => BranchIf(TestCondition(Pop()), depth);

    /// <summary>Branches to label <paramref name="depth"/> when <paramref name="cond"/> holds (the flags are already set).</summary>
    void BranchIf(Cond cond, uint depth)
    {
        ref Control target = ref FrameAt(depth);
        int arity = target.LabelArity;
        if (target.Kind != ControlKind.Function && TopIsInSlots(arity, target.Height))
        {
            if (target.Kind != ControlKind.Loop) target.EndTargeted = true;
            _masm.Jcc(cond, target.Label);
            return;
        }
        Label skip = _masm.NewLabel();
        _masm.Jcc(cond.Invert(), skip);
        BranchTo(ref target);
        _masm.Bind(skip);
    }

    void BrTable(in Operator op)
    {
        Entry index = Pop();
        Gpr r = ToGpr(ref index);
        ReadOnlySpan<uint> targets = op.Targets;
        uint defaultDepth = op.Index;

        if (_depthLabels.Length < _cp) _depthLabels = new Label[Math.Max(_cp, _depthLabels.Length * 2)];
        Array.Clear(_depthLabels, 0, _cp);
        // Targets that need no code jump straight to the frame's label; the others get one stub per depth.
        int stubs = 0;
        foreach (uint t in targets) stubs += ChooseLabel(t) ? 1 : 0;
        stubs += ChooseLabel(defaultDepth) ? 1 : 0;

        if (targets.Length <= 3)
        {
            for (int i = 0; i < targets.Length; i++)
            {
                _masm.Cmp(Width.W32, r, i);
                _masm.Jcc(Cond.Equal, _depthLabels[targets[i]]);
            }
            _masm.Jmp(_depthLabels[defaultDepth]);
        }
        else
        {
            _masm.Cmp(Width.W32, r, targets.Length);
            _masm.Jcc(Cond.AboveOrEqual, _depthLabels[defaultDepth]);
            Label table = _masm.NewLabel();
            _masm.Lea(Width.W64, Scratch, Mem.Rip(table));
            _masm.Movsx(Width.W64, r, Width.W32, Mem.At(Scratch, r, 4));
            _masm.Add(Width.W64, Scratch, r);
            _masm.Jmp(Scratch);
            AddJumpTable(table, targets, _depthLabels);
        }
        FreeGpr(r);

        // The stubs, one per depth that needs moves (or a return).
        if (stubs > 0)
        {
            for (int d = 0; d < _cp; d++)
            {
                ref Control f = ref FrameAt((uint)d);
                Label l = _depthLabels[d];
                if (!l.IsValid || l == f.Label) continue;
                _masm.Bind(l);
                BranchTo(ref f);
            }
        }
        SetUnreachable();
    }

    /// <summary>Picks the label a br_table target jumps to; returns true when it is a new stub.</summary>
    bool ChooseLabel(uint depth)
    {
        if (_depthLabels[depth].IsValid) return false;
        ref Control f = ref FrameAt(depth);
        if (f.Kind != ControlKind.Function && TopIsInSlots(f.LabelArity, f.Height))
        {
            if (f.Kind != ControlKind.Loop) f.EndTargeted = true;
            _depthLabels[depth] = f.Label;
            return false;
        }
        _depthLabels[depth] = _masm.NewLabel();
        return true;
    }

    void Return()
    {
        EmitReturn();
        SetUnreachable();
    }

    void BrOnNull(uint depth)
    {
        Entry r = Pop();
        TestNull(ref r);
        BranchIf(Cond.Equal, depth);
        Push(r);
    }

    void BrOnNonNull(uint depth)
    {
        Entry r = Pop();
        TestNull(ref r);
        Push(r);
        BranchIf(Cond.NotEqual, depth);
        Free(Pop());
    }

    /// <summary>Sets ZF when the reference is null; a constant (null) becomes a register first.</summary>
    void TestNull(ref Entry r)
    {
        if (r.Kind == EntryKind.Const) ToGpr(ref r);
        if (r.Kind == EntryKind.Reg) _masm.Test(Width.W64, r.Gpr, r.Gpr);
        else _masm.Cmp(Width.W64, MemOf(r), 0);
    }
}
