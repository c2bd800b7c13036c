using System.Runtime.CompilerServices;
using Hoist.Isa.X64;
using Hoist.Wasm;

namespace Hoist.Baseline;

// The value stack, register allocation, spilling, and moving values between the places an entry can be.
// Invariants:
// - An entry of kind Reg owns its register: the register is not in the free set, and no other entry
//   (on the stack or popped by the operator being emitted) names it. Popped entries keep their register
//   until the operator frees it, so they cannot be chosen for spilling.
// - An i32 in a general-purpose register has its upper 32 bits zero (32-bit instructions guarantee it),
//   so it can serve as a 64-bit address or builtin argument without another extension.
// - Stack entries are in the canonical slot of their position. Entries below _cleanBelow are Const or
//   Stack. Only the top entry can be Flags.
// - _localRefs[i] counts the Local entries of local i on the stack.
internal sealed partial class FunctionCompiler
{
    const Gpr Scratch = Gpr.R11;
    const Xmm ScratchXmm = Xmm.Xmm15;

    /// <summary>Allocatable GPRs: every caller-saved register but the scratch r11.</summary>
    static readonly RegSet s_allGpr = RegSet.Of(Gpr.Rax, Gpr.Rcx, Gpr.Rdx, Gpr.Rsi, Gpr.Rdi, Gpr.R8, Gpr.R9, Gpr.R10);
    /// <summary>Allocated first: the GPRs that no instruction needs in particular (rcx: shift counts; rdx: division).</summary>
    static readonly RegSet s_preferredGpr = RegSet.Of(Gpr.Rax, Gpr.Rsi, Gpr.Rdi, Gpr.R8, Gpr.R9, Gpr.R10);
    /// <summary>Allocatable XMM registers: all but the scratch xmm15.</summary>
    static readonly RegSet s_allXmm = new(0x7FFF);

    Entry[] _stack = new Entry[64];
    int _sp;
    int _maxHeight;
    int _cleanBelow;
    int _stackRegs;
    RegSet _freeGpr, _freeXmm;

    void ResetStackState()
    {
        _sp = 0;
        _maxHeight = 0;
        _cleanBelow = 0;
        _stackRegs = 0;
        _freeGpr = s_allGpr;
        _freeXmm = s_allXmm;
    }

    /// <summary>The rbp displacement of the canonical slot of value-stack position <paramref name="position"/>.</summary>
    int SlotOffset(int position) => _slotBase - 8 * (position + 1);

    static Mem Rbp(int offset) => Mem.At(Gpr.Rbp, offset);

    // ---- Push and pop.

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void Push(in Entry e)
    {
        if (_sp == _stack.Length) Array.Resize(ref _stack, _sp * 2);
        _stack[_sp++] = e;
        if (_sp > _maxHeight) _maxHeight = _sp;
        if (e.Kind == EntryKind.Reg) _stackRegs++;
        else if (e.Kind == EntryKind.Local) _localRefs[e.Offset]++;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Entry Pop()
    {
        Entry e = _stack[--_sp];
        if (_sp < _cleanBelow) _cleanBelow = _sp;
        if (e.Kind == EntryKind.Reg) _stackRegs--;
        else if (e.Kind == EntryKind.Local) _localRefs[e.Offset]--;
        return e;
    }

    ref Entry Top => ref _stack[_sp - 1];

    void PushConst(ValKind type, ulong bits) => Push(Entry.Constant(type, bits));

    void PushGpr(ValKind type, Gpr r) => Push(Entry.InGpr(type, r));

    void PushXmm(ValKind type, Xmm r) => Push(Entry.InXmm(type, r));

    /// <summary>Pushes an entry in the canonical slot of the next position.</summary>
    void PushSlot(ValKind type) => Push(Entry.InSlot(type, SlotOffset(_sp)));

    /// <summary>
    /// Pushes a popped entry that comes from a higher position than the one it takes now (the second operand of a
    /// <c>select</c> folded on a constant condition). A Stack entry cannot keep its slot: that is the canonical slot
    /// of a position above the new top, which the next push there (a spill, a block result) overwrites while the
    /// entry still reads it. It moves to a free register, or to the canonical slot of its new position.
    /// </summary>
    void PushMoved(Entry e)
    {
        int slot = SlotOffset(_sp);
        if (e.Kind != EntryKind.Stack || e.Offset == slot) { Push(e); return; }
        if (e.IsFloat)
        {
            if (TryAllocXmm(out Xmm x)) { LoadInto(x, e); PushXmm(e.Type, x); return; }
        }
        else if (TryAllocGpr(out Gpr g)) { LoadInto(g, e); PushGpr(e.Type, g); return; }
        StoreTo(Rbp(slot), e);
        Push(Entry.InSlot(e.Type, slot));
    }

    /// <summary>Drops entries down to <paramref name="height"/>, freeing their registers.</summary>
    void TruncateStack(int height)
    {
        while (_sp > height) Free(Pop());
    }

    // ---- Registers.

    /// <summary>Releases the register of a popped entry, if it has one.</summary>
    void Free(in Entry e)
    {
        if (e.Kind != EntryKind.Reg) return;
        if (e.IsFloat) FreeXmm(e.Xmm);
        else FreeGpr(e.Gpr);
    }

    // Only allocatable registers go back to the free sets: an operand that was moved to a scratch register
    // (which is never allocated) must not make it allocatable when it is released.
    void FreeGpr(Gpr r) => _freeGpr.Bits |= (1u << (int)r) & s_allGpr.Bits;

    void FreeXmm(Xmm r) => _freeXmm.Bits |= (1u << (int)r) & s_allXmm.Bits;

    /// <summary>A free GPR (spilling the oldest register entry if none is), now owned by the caller.</summary>
    Gpr AllocGpr()
    {
        if (_freeGpr.IsEmpty) SpillOldest(isFloat: false);
        uint preferred = _freeGpr.Bits & s_preferredGpr.Bits;
        int r = preferred != 0 ? new RegSet(preferred).First : _freeGpr.First;
        _freeGpr.Remove(r);
        return (Gpr)r;
    }

    Xmm AllocXmm()
    {
        if (_freeXmm.IsEmpty) SpillOldest(isFloat: true);
        int r = _freeXmm.First;
        _freeXmm.Remove(r);
        return (Xmm)r;
    }

    /// <summary>A free GPR if there is one, without spilling.</summary>
    bool TryAllocGpr(out Gpr r)
    {
        if (_freeGpr.IsEmpty) { r = default; return false; }
        r = AllocGpr();
        return true;
    }

    bool TryAllocXmm(out Xmm r)
    {
        if (_freeXmm.IsEmpty) { r = default; return false; }
        r = AllocXmm();
        return true;
    }

    void SpillOldest(bool isFloat)
    {
        for (int i = 0; i < _sp; i++)
        {
            ref Entry e = ref _stack[i];
            if (e.Kind == EntryKind.Reg && e.IsFloat == isFloat) { SpillAt(i); return; }
        }
        throw new InvalidOperationException($"no {(isFloat ? "xmm" : "general-purpose")} register to spill");
    }

    /// <summary>
    /// Takes <paramref name="r"/> for the caller: if a value-stack entry holds it, that entry moves to another
    /// register (or its slot). The register must not be held by an operand the caller popped.
    /// </summary>
    void ClaimGpr(Gpr r)
    {
        if (_freeGpr.Contains((int)r)) { _freeGpr.Remove((int)r); return; }
        for (int i = _sp - 1; i >= 0; i--)
        {
            ref Entry e = ref _stack[i];
            if (e.Kind != EntryKind.Reg || e.IsFloat || e.Gpr != r) continue;
            if (TryAllocGpr(out Gpr other))
            {
                _masm.Mov(Width.W64, other, r);
                e.Reg = (byte)other;
            }
            else
            {
                SpillAt(i);
                _freeGpr.Remove((int)r);
            }
            return;
        }
        throw new InvalidOperationException($"{r} is held by an operand, not by the value stack");
    }

    void ClaimXmm(Xmm r)
    {
        if (_freeXmm.Contains((int)r)) { _freeXmm.Remove((int)r); return; }
        for (int i = _sp - 1; i >= 0; i--)
        {
            ref Entry e = ref _stack[i];
            if (e.Kind != EntryKind.Reg || !e.IsFloat || e.Xmm != r) continue;
            if (TryAllocXmm(out Xmm other))
            {
                _masm.Movaps(other, r);
                e.Reg = (byte)other;
            }
            else
            {
                SpillAt(i);
                _freeXmm.Remove((int)r);
            }
            return;
        }
        throw new InvalidOperationException($"{r} is held by an operand, not by the value stack");
    }

    // ---- Spilling.

    /// <summary>Stores entry <paramref name="i"/> in its canonical slot (constants stay constants).</summary>
    void SpillAt(int i)
    {
        ref Entry e = ref _stack[i];
        int slot = SlotOffset(i);
        switch (e.Kind)
        {
            case EntryKind.Const:
                return;
            case EntryKind.Stack:
                if (e.Offset == slot) return;
                break;
            case EntryKind.Reg:
                _stackRegs--;
                break;
            case EntryKind.Local:
                _localRefs[e.Offset]--;
                break;
        }
        Entry copy = e;
        StoreTo(Rbp(slot), copy);
        Free(copy);
        e = Entry.InSlot(e.Type, slot);
    }

    /// <summary>Spills every entry (control-flow merges need all of them in agreed places).</summary>
    void SpillAll()
    {
        for (int i = _cleanBelow; i < _sp; i++) SpillAt(i);
        _cleanBelow = _sp;
    }

    /// <summary>Spills the register and flags entries below <paramref name="height"/> (calls clobber registers, not slots).</summary>
    void SpillRegisters(int height)
    {
        for (int i = height - 1; i >= 0 && _stackRegs > 0; i--)
        {
            EntryKind k = _stack[i].Kind;
            if (k == EntryKind.Reg) SpillAt(i);
        }
        if (height > 0 && _stack[height - 1].Kind == EntryKind.Flags) SpillAt(height - 1);
    }

    /// <summary>Turns a Flags top entry into a register.</summary>
    void MaterializeFlags()
    {
        ref Entry e = ref Top;
        Gpr r = AllocGpr();
        LoadInto(r, e);
        e = Entry.InGpr(ValKind.I32, r);
        _stackRegs++;
    }

    /// <summary>
    /// Before local <paramref name="index"/> is written: every lazy reference to it on the stack takes the
    /// current value, in a free register if there is one, else in its slot.
    /// </summary>
    void FlushLocal(uint index)
    {
        int refs = _localRefs[index];
        for (int i = _sp - 1; i >= 0 && refs > 0; i--)
        {
            ref Entry e = ref _stack[i];
            if (e.Kind != EntryKind.Local || e.Offset != (int)index) continue;
            refs--;
            _localRefs[index]--;
            if (e.IsFloat && TryAllocXmm(out Xmm x))
            {
                LoadInto(x, e);
                e = Entry.InXmm(e.Type, x);
                _stackRegs++;
            }
            else if (!e.IsFloat && TryAllocGpr(out Gpr g))
            {
                LoadInto(g, e);
                e = Entry.InGpr(e.Type, g);
                _stackRegs++;
            }
            else
            {
                int slot = SlotOffset(i);
                StoreTo(Rbp(slot), e);
                e = Entry.InSlot(e.Type, slot);
            }
        }
    }

    // ---- Where an entry's value is read from.

    /// <summary>The memory operand of a Local or Stack entry.</summary>
    Mem MemOf(in Entry e) => e.Kind == EntryKind.Local ? Rbp(_localOffset[e.Offset]) : Rbp(e.Offset);

    /// <summary>Whether a constant entry fits the sign-extended imm32 of an instruction at its width.</summary>
    static bool FitsImm32(in Entry e) => e.Kind == EntryKind.Const && (!e.Is64 || (long)e.Bits == (int)(long)e.Bits);

    static int Imm32(in Entry e) => (int)e.Bits;

    // ---- Moving values (none of these change the flags, so a pending comparison survives them).

    /// <summary>Copies an entry's value into <paramref name="dst"/> (the entry keeps what it owns).</summary>
    void LoadInto(Gpr dst, in Entry e)
    {
        switch (e.Kind)
        {
            case EntryKind.Reg:
                if (e.Gpr != dst) _masm.Mov(e.Width, dst, e.Gpr);
                break;
            case EntryKind.Const:
                _masm.MovImm(e.Width, dst, e.Is64 ? (long)e.Bits : (uint)e.Bits);
                break;
            case EntryKind.Local:
            case EntryKind.Stack:
                _masm.Mov(e.Width, dst, MemOf(e));
                break;
            case EntryKind.Flags:
                _masm.Setcc(e.Cond, dst);
                _masm.Movzx(Width.W32, dst, Width.W8, dst);
                break;
        }
    }

    void LoadInto(Xmm dst, in Entry e)
    {
        bool f64 = e.Type == ValKind.F64;
        switch (e.Kind)
        {
            case EntryKind.Reg:
                if (e.Xmm != dst) _masm.Movaps(dst, e.Xmm);
                break;
            case EntryKind.Const:
                if (e.Bits == 0) _masm.Xorps(dst, dst);
                else if (f64) _masm.Movsd(dst, _masm.Const64(e.Bits));
                else _masm.Movss(dst, _masm.Const32((uint)e.Bits));
                break;
            case EntryKind.Local:
            case EntryKind.Stack:
                if (f64) _masm.Movsd(dst, MemOf(e)); else _masm.Movss(dst, MemOf(e));
                break;
            default:
                throw new InvalidOperationException($"cannot load {e} into an xmm register");
        }
    }

    /// <summary>Stores an entry's value at <paramref name="dst"/> (8 bytes for 64-bit types, 4 for 32-bit ones, at least).</summary>
    void StoreTo(Mem dst, in Entry e)
    {
        switch (e.Kind)
        {
            case EntryKind.Reg:
                if (!e.IsFloat) _masm.Mov(e.Width, dst, e.Gpr);
                else if (e.Type == ValKind.F64) _masm.Movsd(dst, e.Xmm);
                else _masm.Movss(dst, e.Xmm);
                break;
            case EntryKind.Const:
                if (!e.Is64) _masm.MovImm(Width.W32, dst, (int)(uint)e.Bits);
                else if ((long)e.Bits == (int)(long)e.Bits) _masm.MovImm(Width.W64, dst, (int)(long)e.Bits);
                else
                {
                    _masm.MovImm(Width.W64, Scratch, (long)e.Bits);
                    _masm.Mov(Width.W64, dst, Scratch);
                }
                break;
            case EntryKind.Local:
            case EntryKind.Stack:
                _masm.Mov(Width.W64, Scratch, MemOf(e));
                _masm.Mov(Width.W64, dst, Scratch);
                break;
            case EntryKind.Flags:
                _masm.Setcc(e.Cond, Scratch);
                _masm.Movzx(Width.W32, Scratch, Width.W8, Scratch);
                _masm.Mov(Width.W32, dst, Scratch);
                break;
        }
    }

    /// <summary>Makes a popped entry a register entry the caller owns; returns the register.</summary>
    Gpr ToGpr(ref Entry e)
    {
        if (e.Kind == EntryKind.Reg) return e.Gpr;
        Gpr r = AllocGpr();
        LoadInto(r, e);
        e = Entry.InGpr(e.Type, r);
        return r;
    }

    Xmm ToXmm(ref Entry e)
    {
        if (e.Kind == EntryKind.Reg) return e.Xmm;
        Xmm r = AllocXmm();
        LoadInto(r, e);
        e = Entry.InXmm(e.Type, r);
        return r;
    }

    /// <summary>Pops the top entry into a register the caller owns.</summary>
    Gpr PopGpr()
    {
        Entry e = Pop();
        return ToGpr(ref e);
    }

    Xmm PopXmm()
    {
        Entry e = Pop();
        return ToXmm(ref e);
    }

    /// <summary>Stores the top <paramref name="count"/> entries in the canonical slots of positions from <paramref name="height"/>.</summary>
    /// <remarks>Each source sits at or above its destination, so copying in ascending order never overwrites a source not yet read.</remarks>
    void StoreTopTo(int count, int height)
    {
        int first = _sp - count;
        for (int k = 0; k < count; k++)
        {
            Entry e = _stack[first + k];
            int slot = SlotOffset(height + k);
            if (e.Kind == EntryKind.Stack && e.Offset == slot) continue;
            StoreTo(Rbp(slot), e);
        }
    }

    /// <summary>Whether the top <paramref name="count"/> entries already are in the canonical slots from <paramref name="height"/>.</summary>
    bool TopIsInSlots(int count, int height)
    {
        int first = _sp - count;
        for (int k = 0; k < count; k++)
        {
            ref Entry e = ref _stack[first + k];
            if (e.Kind != EntryKind.Stack || e.Offset != SlotOffset(height + k)) return false;
        }
        return true;
    }
}
