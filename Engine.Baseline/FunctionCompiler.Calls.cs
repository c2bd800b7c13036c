using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Baseline;

// Calls (direct, imported, indirect, by reference), tail calls, and calls of runtime builtins.
internal sealed partial class FunctionCompiler
{
    /// <summary>One pending move of an argument into its register (see <see cref="ResolveMoves"/>).</summary>
    struct RegMove
    {
        public int Dst;
        public Entry Src;
        public bool Done;
    }

    RegMove[] _gprMoves = new RegMove[8];
    int _gprMoveCount;
    RegMove[] _xmmMoves = new RegMove[8];
    int _xmmMoveCount;

    /// <summary>Where a call goes.</summary>
    enum CallTarget : byte
    {
        /// <summary>A function of this module: <c>call rel32</c> (a WasmFunction relocation).</summary>
        Defined,
        /// <summary>An import: code and VMContext from the VMContext's import entry.</summary>
        Imported,
        /// <summary>A VMFuncRef in rax (call_indirect, call_ref).</summary>
        FuncRef,
    }

    void CallDirect(uint funcIndex, bool tail)
    {
        uint typeIndex = _env.FuncTypes[funcIndex];
        CallTarget target = funcIndex < (uint)_env.ImportedFunctions ? CallTarget.Imported : CallTarget.Defined;
        int n = _env.FuncType(typeIndex).Params.Length;
        // Values below the arguments live across the call; the arguments move straight to their registers.
        SpillRegisters(_sp - n);
        EmitCall(typeIndex, target, funcIndex, tail);
    }

    void CallIndirect(uint typeIndex, uint tableIndex, bool tail)
    {
        Entry index = Pop();
        SpillRegisters(_sp);
        Gpr r = ToGpr(ref index);
        if (r != Gpr.Rax) ClaimGpr(Gpr.Rax);

        // Bounds, then null, then the signature.
        VmOffsets o = _env.Offsets;
        (bool indirect, int offset) = o.Table(tableIndex);
        const Width w = Width.W64; // an i32 index is zero-extended
        if (indirect)
        {
            _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, offset));
            _masm.Cmp(w, r, Mem.At(Scratch, VmOffsets.TableLength));
            _masm.TrapIf(Cond.AboveOrEqual, TrapCode.UndefinedElement);
            _masm.Mov(Width.W64, Scratch, Mem.At(Scratch, VmOffsets.TableBase));
        }
        else
        {
            _masm.Cmp(w, r, Mem.At(Gpr.R14, offset + VmOffsets.TableLength));
            _masm.TrapIf(Cond.AboveOrEqual, TrapCode.UndefinedElement);
            _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, offset + VmOffsets.TableBase));
        }
        _masm.Mov(Width.W64, Gpr.Rax, Mem.At(Scratch, r, 8));
        if (r != Gpr.Rax) FreeGpr(r);
        _masm.Test(Width.W64, Gpr.Rax, Gpr.Rax);
        _masm.TrapIf(Cond.Zero, TrapCode.UninitializedElement);

        _masm.Mov(Width.W32, Scratch, Mem.At(Gpr.R14, o.TypeId(typeIndex)));
        _masm.Cmp(Width.W64, Mem.At(Gpr.Rax, VmFuncRef.TypeId), Scratch);
        if (_env.Types[typeIndex].Final)
        {
            _masm.TrapIf(Cond.NotEqual, TrapCode.IndirectCallTypeMismatch);
        }
        else
        {
            Label resume = _masm.NewLabel();
            _masm.Jcc(Cond.NotEqual, AddSlowPath(SlowPathKind.SubtypeCheck, resume, typeIndex), JumpDistance.Near);
            _masm.Bind(resume);
        }
        EmitCall(typeIndex, CallTarget.FuncRef, 0, tail);
    }

    void CallRef(uint typeIndex, bool tail)
    {
        Entry f = Pop();
        SpillRegisters(_sp);
        if (f.Kind == EntryKind.Reg && f.Gpr == Gpr.Rax) { }
        else
        {
            ClaimGpr(Gpr.Rax);
            LoadInto(Gpr.Rax, f);
            Free(f);
        }
        _masm.Test(Width.W64, Gpr.Rax, Gpr.Rax);
        _masm.TrapIf(Cond.Zero, TrapCode.NullFunctionReference);
        EmitCall(typeIndex, CallTarget.FuncRef, 0, tail);
    }

    /// <summary>
    /// The call proper: the top entries are the arguments, registers below them are already spilled, and for
    /// <see cref="CallTarget.FuncRef"/> the callee's VMFuncRef is in rax (and the arguments are not in registers).
    /// </summary>
    void EmitCall(uint typeIndex, CallTarget target, uint funcIndex, bool tail)
    {
        FuncType type = _env.FuncType(typeIndex);
        AbiSignature sig = _env.Signature(typeIndex);
        int n = type.Params.Length;
        if (tail)
        {
            ReserveOutgoing(sig.StackArgsSize);
            PlaceArguments(sig, n);
            EmitTailCall(sig, target, funcIndex);
            SetUnreachable();
            return;
        }
        ReserveOutgoing(sig.StackArgsSize + sig.ReturnAreaSize);
        PlaceArguments(sig, n);
        for (int i = 0; i < n; i++) Pop();
        switch (target)
        {
            case CallTarget.Defined:
                _masm.Call(RelocTarget.Function(funcIndex));
                break;
            case CallTarget.Imported:
                int entry = _env.Offsets.ImportedFunction(funcIndex);
                _masm.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, entry + VmOffsets.ImportedFunctionCode));
                _masm.Mov(Width.W64, Gpr.R14, Mem.At(Gpr.R14, entry + VmOffsets.ImportedFunctionVmContext));
                _masm.Call(Gpr.Rax);
                break;
            case CallTarget.FuncRef:
                _masm.Mov(Width.W64, Gpr.R14, Mem.At(Gpr.Rax, VmFuncRef.VmContext));
                _masm.Call(Mem.At(Gpr.Rax, VmFuncRef.Code));
                break;
        }
        // The callee popped its stack arguments; the frame's rsp is fixed, so take them back.
        if (sig.StackArgsSize > 0) _masm.Sub(Width.W64, Gpr.Rsp, sig.StackArgsSize);
        // A callee may have tail-called into another instance and returned with its VMContext.
        _masm.Mov(Width.W64, Gpr.R14, Rbp(Abi.SavedVmContextOffset));
        _freeGpr = s_allGpr;
        _freeXmm = s_allXmm;
        PushCallResults(type, sig);
    }

    void PushCallResults(FuncType type, AbiSignature sig)
    {
        for (int k = 0; k < type.Results.Length; k++)
        {
            ValKind kind = KindOf(type.Results[k]);
            AbiLocation loc = sig.Results[k];
            switch (loc.Kind)
            {
                case AbiLocationKind.Gpr:
                    ClaimGpr(loc.Gpr);
                    PushGpr(kind, loc.Gpr);
                    break;
                case AbiLocationKind.Xmm:
                    ClaimXmm(loc.Xmm);
                    PushXmm(kind, loc.Xmm);
                    break;
                default:
                    // In the return area: the offset counts from rsp at the call, which the frame's fixed rsp is again.
                    _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.Rsp, loc.Offset));
                    _masm.Mov(Width.W64, Rbp(SlotOffset(_sp)), Scratch);
                    PushSlot(kind);
                    break;
            }
        }
    }

    /// <summary>
    /// Puts the top <paramref name="n"/> entries where <paramref name="sig"/> says: stack arguments in the outgoing
    /// area at rsp, register arguments by a parallel move. The entries stay on the stack.
    /// </summary>
    void PlaceArguments(AbiSignature sig, int n)
    {
        int first = _sp - n;
        // Stack arguments first: they may read registers that the register moves overwrite.
        for (int i = 0; i < n; i++)
        {
            AbiLocation loc = sig.Params[i];
            if (loc.Kind == AbiLocationKind.Stack) StoreTo(Mem.At(Gpr.Rsp, loc.Offset), _stack[first + i]);
        }
        _gprMoveCount = 0;
        _xmmMoveCount = 0;
        for (int i = 0; i < n; i++)
        {
            AbiLocation loc = sig.Params[i];
            if (loc.Kind == AbiLocationKind.Gpr) AddMove(ref _gprMoves, ref _gprMoveCount, (int)loc.Gpr, _stack[first + i]);
            else if (loc.Kind == AbiLocationKind.Xmm) AddMove(ref _xmmMoves, ref _xmmMoveCount, (int)loc.Xmm, _stack[first + i]);
        }
        ResolveMoves(_gprMoves, _gprMoveCount, xmm: false);
        ResolveMoves(_xmmMoves, _xmmMoveCount, xmm: true);
    }

    static void AddMove(ref RegMove[] moves, ref int count, int dst, in Entry src)
    {
        if (count == moves.Length) Array.Resize(ref moves, count * 2);
        moves[count++] = new RegMove { Dst = dst, Src = src };
    }

    /// <summary>
    /// Performs the moves as if all at once: register-to-register moves in an order that never overwrites a
    /// source still to be read (a cycle is broken through the scratch register), then the loads of constants
    /// and slots. Destinations are distinct, and so are source registers.
    /// </summary>
    void ResolveMoves(RegMove[] moves, int count, bool xmm)
    {
        while (true)
        {
            bool pending = false, progress = false;
            for (int i = 0; i < count; i++)
            {
                ref RegMove m = ref moves[i];
                if (m.Done || m.Src.Kind != EntryKind.Reg) continue;
                if (m.Src.Reg == m.Dst) { m.Done = true; continue; }
                pending = true;
                if (IsPendingSource(moves, count, m.Dst)) continue;
                RegToReg(xmm, m.Dst, m.Src.Reg);
                m.Done = true;
                progress = true;
            }
            if (!pending) break;
            if (progress) continue;
            // Only cycles remain: save one destination's current value and let its readers take it from scratch.
            int scratch = xmm ? (int)ScratchXmm : (int)Scratch;
            int saved = -1;
            for (int i = 0; i < count && saved < 0; i++)
                if (!moves[i].Done && moves[i].Src.Kind == EntryKind.Reg) saved = moves[i].Dst;
            RegToReg(xmm, scratch, saved);
            for (int i = 0; i < count; i++)
                if (!moves[i].Done && moves[i].Src.Kind == EntryKind.Reg && moves[i].Src.Reg == saved) moves[i].Src.Reg = (byte)scratch;
        }
        for (int i = 0; i < count; i++)
        {
            ref RegMove m = ref moves[i];
            if (m.Done) continue;
            if (xmm) LoadInto((Xmm)m.Dst, m.Src); else LoadInto((Gpr)m.Dst, m.Src);
            m.Done = true;
        }
    }

    static bool IsPendingSource(RegMove[] moves, int count, int reg)
    {
        for (int i = 0; i < count; i++)
            if (!moves[i].Done && moves[i].Src.Kind == EntryKind.Reg && moves[i].Src.Reg == reg) return true;
        return false;
    }

    void RegToReg(bool xmm, int dst, int src)
    {
        if (xmm) _masm.Movaps((Xmm)dst, (Xmm)src);
        else _masm.Mov(Width.W64, (Gpr)dst, (Gpr)src);
    }

    /// <summary>
    /// Replaces this frame by the callee's: the arguments are in their registers and staged in the outgoing
    /// area; they are copied over the incoming argument area resized for the callee (whose return area is ours,
    /// since the result types match), the return address and the caller's rbp are put back, and we jump.
    /// </summary>
    void EmitTailCall(AbiSignature sig, CallTarget target, uint funcIndex)
    {
        // Free here: rax (not an argument register), r10 (idem), r11 and xmm15 (scratch).
        switch (target)
        {
            case CallTarget.Imported:
                int entry = _env.Offsets.ImportedFunction(funcIndex);
                _masm.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, entry + VmOffsets.ImportedFunctionCode));
                _masm.Mov(Width.W64, Gpr.R14, Mem.At(Gpr.R14, entry + VmOffsets.ImportedFunctionVmContext));
                break;
            case CallTarget.FuncRef:
                _masm.Mov(Width.W64, Gpr.R14, Mem.At(Gpr.Rax, VmFuncRef.VmContext));
                _masm.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.Rax, VmFuncRef.Code));
                break;
        }
        int ours = _sig.StackArgsSize, theirs = sig.StackArgsSize;
        // The new argument area ends where ours does; the staging area is lower in our frame, so copy downwards
        // from the top (each destination is above its source).
        int delta = 16 + ours - theirs;
        if (ours == theirs)
        {
            CopyStagedArguments(theirs, delta);
            _masm.Leave();
        }
        else
        {
            _masm.Mov(Width.W64, Scratch, Rbp(8));
            _masm.Mov(Width.W64, Gpr.R10, Rbp(0));
            CopyStagedArguments(theirs, delta);
            _masm.Lea(Width.W64, Gpr.Rsp, Rbp(delta - 8));
            _masm.Mov(Width.W64, Mem.At(Gpr.Rsp), Scratch);
            _masm.Mov(Width.W64, Gpr.Rbp, Gpr.R10);
        }
        if (target == CallTarget.Defined) _masm.Jmp(RelocTarget.Function(funcIndex));
        else _masm.Jmp(Gpr.Rax);
    }

    void CopyStagedArguments(int bytes, int destination)
    {
        for (int k = bytes - 8; k >= 0; k -= 8)
        {
            _masm.Movsd(ScratchXmm, Mem.At(Gpr.Rsp, k));
            _masm.Movsd(Rbp(destination + k), ScratchXmm);
        }
    }

    // ---- Builtins (C ABI).

    /// <summary>
    /// Calls a builtin with the caller's VMContext and <paramref name="args"/> (popped entries or constants) as
    /// its arguments. Every live register is spilled first; afterwards all registers are free, and the result
    /// is in rax.
    /// </summary>
    void CallBuiltin(BuiltinId id, ReadOnlySpan<Entry> args)
    {
        SpillRegisters(_sp);
        _gprMoveCount = 0;
        AddMove(ref _gprMoves, ref _gprMoveCount, (int)Gpr.Rdi, Entry.InGpr(ValKind.Ref, Gpr.R14));
        ReadOnlySpan<Gpr> regs = AbiSignature.IntArgumentRegisters;
        for (int i = 0; i < args.Length; i++) AddMove(ref _gprMoves, ref _gprMoveCount, (int)regs[i + 1], args[i]);
        ResolveMoves(_gprMoves, _gprMoveCount, xmm: false);
        CallBuiltinRaw(id);
        _freeGpr = s_allGpr;
        _freeXmm = s_allXmm;
    }

    /// <summary><c>call [builtins + 8 * id]</c>, the arguments in place.</summary>
    void CallBuiltinRaw(BuiltinId id)
    {
        _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, _env.Offsets.Builtins));
        _masm.Call(Mem.At(Scratch, Builtins.TableOffset(id)));
    }

    /// <summary>After a builtin that returns a TrapCode: trap (with <paramref name="fallback"/> as the site's code) if it is not 0.</summary>
    void TrapIfBuiltinFailed(TrapCode fallback)
    {
        _masm.Test(Width.W32, Gpr.Rax, Gpr.Rax);
        _masm.TrapIf(Cond.NotZero, fallback);
    }
}
