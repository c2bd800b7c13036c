using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;

namespace Hoist.Baseline;

// Code placed after the function body: br_table jump tables, and slow paths that the hot path reaches by
// a conditional jump and that jump back (interruption checks, the subtype check of call_indirect).
internal sealed partial class FunctionCompiler
{
    enum SlowPathKind : byte { OutOfFuel, Epoch, SubtypeCheck }

    struct SlowPath
    {
        public SlowPathKind Kind;
        public Label Entry;
        public Label Resume;
        public uint WasmOffset;
        public uint TypeIndex;
    }

    struct JumpTable
    {
        public Label Table;
        public int Start;
        public int Count;
    }

    SlowPath[] _slowPaths = new SlowPath[8];
    int _slowPathCount;
    JumpTable[] _jumpTables = new JumpTable[4];
    int _jumpTableCount;
    Label[] _jumpTargets = new Label[64];
    int _jumpTargetCount;

    void ResetDeferred()
    {
        _slowPathCount = 0;
        _jumpTableCount = 0;
        _jumpTargetCount = 0;
    }

    /// <summary>Records a jump table whose entry i jumps to <c>labelsByDepth[targets[i]]</c>.</summary>
    void AddJumpTable(Label table, ReadOnlySpan<uint> targets, Label[] labelsByDepth)
    {
        if (_jumpTargetCount + targets.Length > _jumpTargets.Length)
            Array.Resize(ref _jumpTargets, Math.Max(_jumpTargetCount + targets.Length, _jumpTargets.Length * 2));
        for (int i = 0; i < targets.Length; i++) _jumpTargets[_jumpTargetCount + i] = labelsByDepth[targets[i]];
        if (_jumpTableCount == _jumpTables.Length) Array.Resize(ref _jumpTables, _jumpTableCount * 2);
        _jumpTables[_jumpTableCount++] = new JumpTable { Table = table, Start = _jumpTargetCount, Count = targets.Length };
        _jumpTargetCount += targets.Length;
    }

    /// <summary>Adds a slow path entered at the returned label; it jumps back to <paramref name="resume"/>.</summary>
    Label AddSlowPath(SlowPathKind kind, Label resume, uint typeIndex = 0)
    {
        if (_slowPathCount == _slowPaths.Length) Array.Resize(ref _slowPaths, _slowPathCount * 2);
        Label entry = _masm.NewLabel();
        _slowPaths[_slowPathCount++] = new SlowPath
        {
            Kind = kind, Entry = entry, Resume = resume, WasmOffset = _masm.Buffer.SourceLocation, TypeIndex = typeIndex,
        };
        return entry;
    }

    void EmitDeferred()
    {
        for (int i = 0; i < _slowPathCount; i++) EmitSlowPath(_slowPaths[i]);
        for (int i = 0; i < _jumpTableCount; i++)
        {
            JumpTable t = _jumpTables[i];
            _masm.Buffer.AlignWith(4, 0xCC);
            _masm.Bind(t.Table);
            for (int k = 0; k < t.Count; k++) _masm.JumpTableEntry(_jumpTargets[t.Start + k], t.Table);
        }
    }

    void EmitSlowPath(in SlowPath p)
    {
        _masm.SetSourceLocation(p.WasmOffset);
        _masm.Bind(p.Entry);
        VmOffsets o = _env.Offsets;
        switch (p.Kind)
        {
            case SlowPathKind.OutOfFuel:
            case SlowPathKind.Epoch:
                // Nothing is live in registers at function entry and loop heads.
                _masm.Mov(Width.W64, Gpr.Rdi, Gpr.R14);
                CallBuiltinRaw(BuiltinId.OutOfFuelOrEpoch);
                _masm.Test(Width.W32, Gpr.Rax, Gpr.Rax);
                _masm.TrapIf(Cond.NotZero, p.Kind == SlowPathKind.OutOfFuel ? TrapCode.OutOfFuel : TrapCode.Interrupted);
                break;
            case SlowPathKind.SubtypeCheck:
                // The callee's VMFuncRef is in rax; the arguments are all in slots.
                _masm.Mov(Width.W64, Rbp(_scratchSlot), Gpr.Rax);
                _masm.Mov(Width.W64, Gpr.Rdi, Gpr.R14);
                _masm.Mov(Width.W32, Gpr.Rsi, Mem.At(Gpr.R14, o.TypeId(p.TypeIndex)));
                _masm.Mov(Width.W64, Gpr.Rdx, Gpr.Rax);
                CallBuiltinRaw(BuiltinId.IsSubtype);
                _masm.Mov(Width.W32, Scratch, Gpr.Rax);
                _masm.Mov(Width.W64, Gpr.Rax, Rbp(_scratchSlot));
                _masm.Test(Width.W32, Scratch, Scratch);
                _masm.TrapIf(Cond.Zero, TrapCode.IndirectCallTypeMismatch);
                break;
        }
        _masm.Jmp(p.Resume);
    }

    /// <summary>
    /// The optional fuel and epoch checks, at function entry and loop heads (where nothing is live in a register):
    /// a decrement or compare on the hot path, the builtin on a slow path.
    /// </summary>
    void EmitInterruptCheck()
    {
        if (!_env.ConsumeFuel && !_env.EpochInterruption) return;
        VmOffsets o = _env.Offsets;
        Label resume = _masm.NewLabel();
        if (_env.ConsumeFuel)
        {
            _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, o.StoreContext));
            _masm.Sub(Width.W64, Mem.At(Scratch, VmStoreContext.Fuel), 1);
            _masm.Jcc(Cond.Sign, AddSlowPath(SlowPathKind.OutOfFuel, resume), JumpDistance.Near);
        }
        if (_env.EpochInterruption)
        {
            Gpr t = AllocGpr();
            _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, o.StoreContext));
            _masm.Mov(Width.W64, t, Mem.At(Scratch, VmStoreContext.EpochCounter));
            _masm.Mov(Width.W64, t, Mem.At(t));
            _masm.Cmp(Width.W64, t, Mem.At(Scratch, VmStoreContext.EpochDeadline));
            _masm.Jcc(Cond.AboveOrEqual, AddSlowPath(SlowPathKind.Epoch, resume), JumpDistance.Near);
            FreeGpr(t);
        }
        _masm.Bind(resume);
    }
}
