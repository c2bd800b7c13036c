using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Optimizing.CodeGen;
using Hoist.Vm;

namespace Hoist.Optimizing.Isa.X64;

/// <summary>
/// Emission: VCode + register allocation → machine code, through the shared <see cref="MacroAssembler"/>.
/// <para>Frame (per <see cref="Abi"/>; one line is 8 bytes):</para>
/// <code>
///   [rbp + 16 + k]      stack arguments, then the caller's return area
///   [rbp + 8]           return address
///   [rbp]               caller's rbp
///   [rbp - 8]           saved r14 (own VMContext; reloaded after every call)
///   [rbp - 16 - 8j]     callee-saved register j the allocation uses (rbx, r12, r13, r15 in that order)
///   [rbp - SlotBase - 8s] spill slot s
///   [rsp + k]           outgoing stack arguments and return areas (rsp fixed after the prologue, 16-aligned)
/// </code>
/// Prologue: <c>push rbp; mov rbp, rsp; push r14; push saved...</c>, the stack check against the store
/// context's limit (trap StackOverflow), <c>sub rsp, alloc</c>. Epilogue: reload the saved registers,
/// <c>leave; ret n</c>. Moves the allocator inserts run before/after their instruction; stack-to-stack moves go
/// through r11. A jump to the block emitted next is omitted, and a block that holds only a jump (an empty edge
/// block) is not emitted at all: its label is the target's. Loop heads are aligned to 32 bytes with NOPs.
/// Every instruction that reads or writes linear memory records a MemoryOutOfBounds trap site at its start.
/// </summary>
public sealed partial class Emitter
{
    readonly MacroAssembler _masm;
    readonly bool _fuel, _epoch;
    readonly VmOffsets _offsets;

    VCode<MInst> _code = null!;
    RegAllocOutput _alloc = null!;
    LoweredFunction _fn = null!;
    Label[] _labels = new Label[64];
    int[] _forward = new int[64];
    bool[] _loopHead = new bool[64];
    int _nextEmitted;
    int _savedCount;
    readonly Gpr[] _saved = new Gpr[4];
    int _slotBase;
    int _frameAlloc;
    int _opStart;

    readonly List<(Label Entry, Label Resume, TrapCode Code, uint Src, Gpr Temp)> _slowPaths = new();
    readonly List<(Label Table, int[] Entries, int Block)> _jumpTables = new();

    public Emitter(VmOffsets offsets, bool fuel, bool epoch, CodeBuffer? buffer = null)
    {
        _offsets = offsets;
        _fuel = fuel;
        _epoch = epoch;
        _masm = new MacroAssembler(buffer ?? new CodeBuffer(16 * 1024));
    }

    public MacroAssembler Masm => _masm;

    public MachineCode Run(LoweredFunction fn, RegAllocOutput alloc)
    {
        _fn = fn;
        _code = fn.Code;
        _alloc = alloc;
        _masm.Reset();
        _slowPaths.Clear();
        _jumpTables.Clear();
        _editCursor = 0;
        LayoutFrame();
        PlanLabels();
        EmitPrologue();
        int previous = -1;
        for (int b = 0; b < _code.BlockCount; b++)
        {
            if (_forward[b] != b) continue;
            if (_loopHead[b]) AlignLoopHead(b, previous);
            previous = b;
            _masm.Bind(_labels[b]);
            _nextEmitted = NextEmitted(b + 1);
            EmitBlock(b);
        }
        EmitDeferred();
        return _masm.Finish();
    }

    // ---- Frame.

    /// <summary>Callee-saved registers the allocation uses, the spill area and the outgoing area.</summary>
    void LayoutFrame()
    {
        ulong used = 0;
        foreach (var a in _alloc.Operands) if (a.Kind == AllocationKind.Reg) used |= 1UL << a.Bits;
        foreach (var e in _alloc.Edits)
        {
            if (e.To.Kind == AllocationKind.Reg) used |= 1UL << e.To.Bits;
        }
        foreach (var ps in _alloc.BlockParams)
            foreach (var a in ps) if (a.Kind == AllocationKind.Reg) used |= 1UL << a.Bits;
        _savedCount = 0;
        foreach (var r in X64Regs.CalleeSavedGpr)
            if ((used & (1UL << X64Regs.G(r).Index)) != 0) _saved[_savedCount++] = r;
        _slotBase = 16 + 8 * _savedCount;
        int outgoing = 0;
        foreach (var c in _fn.Calls) outgoing = Math.Max(outgoing, c.Abi.StackSize);
        int below = 8 + 8 * _savedCount;                 // r14 and the saved registers, below rbp
        int alloc = 8 * _alloc.SpillSlots + outgoing;
        if ((below + alloc) % 16 != 0) alloc += 8;
        _frameAlloc = alloc;
    }

    Mem Slot(int s) => Mem.At(Gpr.Rbp, -_slotBase - 8 * s);

    void EmitPrologue()
    {
        _masm.SetSourceLocation(SourceLoc.None);
        _masm.Push(Gpr.Rbp);
        _masm.Mov(Width.W64, Gpr.Rbp, Gpr.Rsp);
        _masm.Push(Gpr.R14);
        for (int k = 0; k < _savedCount; k++) _masm.Push(_saved[k]);
        // Stack check: rsp - alloc below the limit traps. rax and r11 hold no argument.
        _masm.Mov(Width.W64, X64Regs.Scratch, Mem.At(Gpr.R14, _offsets.StoreContext));
        _masm.Lea(Width.W64, Gpr.Rax, Mem.At(Gpr.Rsp, -_frameAlloc));
        _masm.Cmp(Width.W64, Gpr.Rax, Mem.At(X64Regs.Scratch, VmStoreContext.StackLimit));
        _masm.TrapIf(Cond.Below, TrapCode.StackOverflow);
        if (_frameAlloc > 0) _masm.Sub(Width.W64, Gpr.Rsp, _frameAlloc);
    }

    /// <summary>Reloads the callee-saved registers (rbp-relative, so rsp need not be restored first).</summary>
    void RestoreSaved()
    {
        for (int k = 0; k < _savedCount; k++) _masm.Mov(Width.W64, _saved[k], Mem.At(Gpr.Rbp, -16 - 8 * k));
    }

    void EmitEpilogue()
    {
        RestoreSaved();
        _masm.Leave();
        _masm.Ret(_fn.Abi.StackArgsSize);
    }

    // ---- Labels and block forwarding.

    void PlanLabels()
    {
        int n = _code.BlockCount;
        if (_labels.Length < n)
        {
            _labels = new Label[Math.Max(n, _labels.Length * 2)];
            _forward = new int[_labels.Length];
            _loopHead = new bool[_labels.Length];
        }
        for (int b = 0; b < n; b++) _forward[b] = IsEmptyJump(b) ? _code.Successors(b)[0] : b;
        // Resolve chains of empty blocks.
        for (int b = 0; b < n; b++)
        {
            int t = b, guard = 0;
            while (_forward[t] != t && guard++ < n) t = _forward[t];
            // A cycle of empty blocks (an empty infinite loop) keeps its blocks.
            _forward[b] = _forward[t] == t ? t : b;
        }
        for (int b = 0; b < n; b++) _labels[b] = _forward[b] == b ? _masm.NewLabel() : default;
        for (int b = 0; b < n; b++) if (_forward[b] != b) _labels[b] = _labels[_forward[b]];
        // Loop heads: blocks a later block (in emission order) branches back to.
        Array.Clear(_loopHead, 0, n);
        for (int b = 0; b < n; b++)
        {
            if (_forward[b] != b) continue;
            foreach (int s in _code.Successors(b))
                if (_forward[s] <= b) _loopHead[_forward[s]] = true;
        }
    }

    /// <summary>
    /// Loop heads start at this alignment (padding with no-ops, which run once per entry into the loop when the
    /// block before falls through): with functions placed at <see cref="Hoist.Isa.MachineCode.FunctionAlignment"/>,
    /// a loop of up to 32 bytes then sits in one 32-byte fetch block and one 64-byte op-cache window. The same small
    /// loop measured up to twice as slow when it straddled a 64-byte boundary (sieve's inner loop on AMD EPYC).
    /// </summary>
    const int LoopHeadAlignment = 32;

    /// <summary>Pads to <see cref="LoopHeadAlignment"/> before loop head <paramref name="b"/>. When the block emitted
    /// before (<paramref name="previous"/>) may fall into it and the padding is more than one no-op, a short jump
    /// over the padding replaces executing several no-ops on every entry.</summary>
    void AlignLoopHead(int b, int previous)
    {
        int pad = -_masm.Offset & (LoopHeadAlignment - 1);
        if (pad == 0) return;
        bool fallsIn = false;
        if (previous >= 0)
            foreach (int s in _code.Successors(previous)) fallsIn |= _forward[s] == b;
        if (fallsIn && pad > 9) _masm.Jmp(_labels[b], JumpDistance.Short);
        _masm.Align(LoopHeadAlignment);
    }

    int _editCursor;

    /// <summary>A block that is only a jump with no moves and no parameters: its label can be its target's.</summary>
    bool IsEmptyJump(int b)
    {
        var (start, end) = _code.InstRange(b);
        if (end - start != 1 || _code.Inst(start).Op != X64Op.Jump || b == 0) return false;
        if (_code.BlockParams(b).Length != 0) return false;
        if (_code.Successors(b)[0] == b) return false;
        return !HasEdits(start);
    }

    bool HasEdits(int inst)
    {
        // Edits are sorted by point; a binary search finds the first at or after "before inst".
        var edits = _alloc.Edits;
        int lo = 0, hi = edits.Count;
        int key = ProgPoint.Before(inst).Order;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (edits[mid].At.Order < key) lo = mid + 1; else hi = mid;
        }
        return lo < edits.Count && edits[lo].At.Inst == inst;
    }

    int NextEmitted(int from)
    {
        for (int b = from; b < _code.BlockCount; b++) if (_forward[b] == b) return b;
        return -1;
    }

    /// <summary>True when a jump to <paramref name="block"/> would land on the next emitted instruction.</summary>
    bool IsNext(int block) => _nextEmitted >= 0 && _forward[block] == _nextEmitted;

    Label LabelOf(int block) => _labels[block];

    // ---- Blocks and moves.

    void EmitBlock(int b)
    {
        var (start, end) = _code.InstRange(b);
        for (int i = start; i < end; i++)
        {
            EmitEdits(ProgPoint.Before(i).Order);
            ref readonly MInst mi = ref _code.Inst(i);
            _masm.SetSourceLocation(mi.Src >= 0 ? (uint)mi.Src : SourceLoc.None);
            _opStart = _code.OperandStart(i);
            EmitInst(b, i, mi);
            EmitEdits(ProgPoint.AfterInst(i).Order);
        }
    }

    void EmitEdits(int order)
    {
        var edits = _alloc.Edits;
        // Edits are sorted by point and points are visited in order (skipped blocks have none).
        while (_editCursor < edits.Count && edits[_editCursor].At.Order < order) _editCursor++;
        while (_editCursor < edits.Count && edits[_editCursor].At.Order == order)
        {
            var e = edits[_editCursor++];
            Move(e.From, e.To);
        }
    }

    void Move(Allocation from, Allocation to)
    {
        if (from == to) return;
        if (from.Kind == AllocationKind.Reg && to.Kind == AllocationKind.Reg)
        {
            var f = from.Reg;
            if (f.Class == RegClass.Int) _masm.Mov(Width.W64, (Gpr)to.Reg.Hw, (Gpr)f.Hw);
            else _masm.Movaps((Xmm)to.Reg.Hw, (Xmm)f.Hw);
        }
        else if (from.Kind == AllocationKind.Reg)
        {
            var f = from.Reg;
            if (f.Class == RegClass.Int) _masm.Mov(Width.W64, Slot(to.Slot.Index), (Gpr)f.Hw);
            else _masm.Movsd(Slot(to.Slot.Index), (Xmm)f.Hw);
        }
        else if (to.Kind == AllocationKind.Reg)
        {
            var t = to.Reg;
            if (t.Class == RegClass.Int) _masm.Mov(Width.W64, (Gpr)t.Hw, Slot(from.Slot.Index));
            else _masm.Movsd((Xmm)t.Hw, Slot(from.Slot.Index));
        }
        else
        {
            _masm.Mov(Width.W64, X64Regs.Scratch, Slot(from.Slot.Index));
            _masm.Mov(Width.W64, Slot(to.Slot.Index), X64Regs.Scratch);
        }
    }

    // ---- Operand access.

    Allocation A(int k) => _alloc.Operands[_opStart + k];
    Gpr G(int k) => (Gpr)A(k).Reg.Hw;
    Xmm X(int k) => (Xmm)A(k).Reg.Hw;

    Mem MemOf(in MInst mi)
    {
        if (mi.MemBase == MInst.Vmctx)
            return mi.MemIndex == MInst.NoReg ? Mem.At(Gpr.R14, mi.Disp) : Mem.At(Gpr.R14, G(mi.MemIndex), 1 << mi.MemScaleLog2, mi.Disp);
        if (mi.MemIndex == MInst.NoReg) return Mem.At(G(mi.MemBase), mi.Disp);
        if (mi.MemBase == MInst.NoReg) return Mem.Indexed(G(mi.MemIndex), 1 << mi.MemScaleLog2, mi.Disp);
        var index = G(mi.MemIndex);
        var @base = G(mi.MemBase);
        // rsp cannot be an index; it is never allocated, so this only guards the invariant.
        // r13 as a base needs a displacement byte even for 0, which makes [r13 + x] a three-component address
        // (slower lea on AMD Zen: 2 cycles instead of 1); with scale 1 the two registers swap freely.
        if (@base == Gpr.R13 && mi.MemScaleLog2 == 0 && mi.Disp == 0 && index != Gpr.R13) (@base, index) = (index, @base);
        return Mem.At(@base, index, 1 << mi.MemScaleLog2, mi.Disp);
    }

    /// <summary>How many allocated registers the memory operand uses (r14 and absent parts are none).</summary>
    static int MemRegCount(in MInst mi) => (mi.MemBase < MInst.Vmctx ? 1 : 0) + (mi.MemIndex < MInst.Vmctx ? 1 : 0);

    /// <summary>Records a guard-page trap site at the next instruction when it touches linear memory.</summary>
    void MarkMemory(in MInst mi)
    {
        if ((mi.Flags & MInst.FlagLinearMemory) != 0) _masm.Buffer.AddTrapSite(_masm.Offset, TrapCode.MemoryOutOfBounds);
    }

    // ---- Deferred code: interrupt slow paths, jump tables.

    void EmitDeferred()
    {
        foreach (var p in _slowPaths) EmitInterruptSlowPath(p.Entry, p.Resume, p.Code, p.Src);
        foreach (var (table, entries, block) in _jumpTables)
        {
            _masm.Buffer.AlignWith(4, 0xCC);
            _masm.Bind(table);
            var succs = _code.Successors(block);
            foreach (int e in entries) _masm.JumpTableEntry(LabelOf(succs[e]), table);
        }
    }
}
