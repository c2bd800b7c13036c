using System.Runtime.InteropServices;

namespace Hoist.Optimizing.CodeGen;

/// <summary>
/// A lowered function: machine instructions of one ISA (<typeparamref name="TInst"/>, opaque here) over
/// virtual registers, in blocks in emission order, with each instruction's register operands and their
/// constraints (<see cref="Operand"/>) and the physical registers it clobbers. What instruction selection
/// produces and register allocation consumes (see DESIGN.md).
/// <para>
/// Invariants: block 0 is the entry and has no parameters (incoming arguments are defined by an
/// instruction with fixed-register defs); every block ends with a branch or a return; block arguments
/// travel only on a block that ends with an unconditional jump to its single successor (lowering splits
/// edges so this holds), which is where the allocator puts the moves that implement them; a vreg is defined
/// once (by an operand or as a block parameter); a terminator defines registers only by reuse of one of its inputs
/// (checked by <see cref="EndBlock"/>). Storage is flat arrays; operand i of instruction n is
/// entry <see cref="OperandStart"/>(n) + i of one operand array, which allocation results index in parallel.
/// </para>
/// </summary>
public sealed class VCode<TInst> where TInst : struct
{
    TInst[] _insts = new TInst[64];
    int[] _opStart = new int[65];
    PRegSet[] _clobbers = new PRegSet[64];
    int _instCount;
    Operand[] _operands = new Operand[128];
    int _operandCount;
    readonly List<RegClass> _vregClass = new();

    readonly BlockInfo[] _blocks;
    readonly List<VReg> _params = new();
    readonly List<VReg> _branchArgs = new();
    readonly List<int> _succs = new();
    int[] _predStart = [];
    int[] _preds = [];
    int _current = -1;

    struct BlockInfo
    {
        public int InstStart, InstEnd, ParamStart, ParamCount, ArgStart, ArgCount, SuccStart, SuccCount;
        public bool Done;
    }

    public VCode(int blockCount)
    {
        if (blockCount < 1) throw new ArgumentOutOfRangeException(nameof(blockCount));
        _blocks = new BlockInfo[blockCount];
    }

    public int BlockCount => _blocks.Length;
    public int InstCount => _instCount;
    public int VRegCount => _vregClass.Count;
    public int OperandCount => _operandCount;

    public VReg NewVReg(RegClass c)
    {
        _vregClass.Add(c);
        return new VReg(_vregClass.Count - 1);
    }

    public RegClass ClassOf(VReg v) => _vregClass[v.Index];

    // ---- Building (blocks in order 0, 1, 2, ...).

    public void StartBlock(int block, ReadOnlySpan<VReg> parameters = default)
    {
        if (block != _current + 1) throw new InvalidOperationException($"blocks are built in order: expected {_current + 1}, got {block}");
        if (block == 0 && !parameters.IsEmpty) throw new InvalidOperationException("the entry block has no parameters");
        _current = block;
        ref BlockInfo b = ref _blocks[block];
        b.InstStart = _instCount;
        b.ParamStart = _params.Count;
        b.ParamCount = parameters.Length;
        foreach (var p in parameters) _params.Add(p);
    }

    /// <summary>Appends an instruction with its register operands (and the registers it clobbers); returns its index.</summary>
    public int Push(in TInst inst, ReadOnlySpan<Operand> operands, PRegSet clobbers = default)
    {
        if (_current < 0 || _blocks[_current].Done) throw new InvalidOperationException("no open block");
        if (_instCount == _insts.Length)
        {
            Array.Resize(ref _insts, _instCount * 2);
            Array.Resize(ref _clobbers, _instCount * 2);
            Array.Resize(ref _opStart, _instCount * 2 + 1);
        }
        while (_operandCount + operands.Length > _operands.Length) Array.Resize(ref _operands, _operands.Length * 2);
        _insts[_instCount] = inst;
        _clobbers[_instCount] = clobbers;
        _opStart[_instCount] = _operandCount;
        operands.CopyTo(_operands.AsSpan(_operandCount));
        _operandCount += operands.Length;
        _opStart[_instCount + 1] = _operandCount;
        return _instCount++;
    }

    /// <summary>
    /// Closes the block (its last instruction is its terminator) with its successors; <paramref name="args"/>
    /// are the arguments to the single successor's parameters (only for a block that jumps to one successor).
    /// </summary>
    public void EndBlock(ReadOnlySpan<int> successors, ReadOnlySpan<VReg> args = default)
    {
        ref BlockInfo b = ref _blocks[_current];
        if (_instCount == b.InstStart) throw new InvalidOperationException($"block {_current} is empty");
        if (!args.IsEmpty && successors.Length != 1) throw new InvalidOperationException("block arguments need a single successor");
        // The allocator keeps a terminator's results clear of the values live out of the block only through a reuse def
        // (the register of one of its own inputs): a free def there could take a register a successor still reads.
        foreach (var op in Operands(_instCount - 1))
            if (op.Kind == OperandKind.Def && op.Constraint != OperandConstraint.Reuse)
                throw new InvalidOperationException($"block {_current}: its terminator defines v{op.VReg.Index} other than by reuse");
        b.InstEnd = _instCount;
        b.SuccStart = _succs.Count;
        b.SuccCount = successors.Length;
        foreach (var s in successors) _succs.Add(s);
        b.ArgStart = _branchArgs.Count;
        b.ArgCount = args.Length;
        foreach (var a in args) _branchArgs.Add(a);
        b.Done = true;
        if (_current == _blocks.Length - 1) ComputePredecessors();
    }

    void ComputePredecessors()
    {
        var counts = new int[_blocks.Length + 1];
        foreach (int s in _succs) counts[s]++;
        _predStart = new int[_blocks.Length + 1];
        for (int i = 0; i < _blocks.Length; i++) _predStart[i + 1] = _predStart[i] + counts[i];
        _preds = new int[_succs.Count];
        var fill = (int[])_predStart.Clone();
        for (int b = 0; b < _blocks.Length; b++)
            foreach (int s in Successors(b)) _preds[fill[s]++] = b;
    }

    /// <summary>True once every block has been built.</summary>
    public bool IsComplete => _current == _blocks.Length - 1 && _blocks[_current].Done;

    // ---- Reading.

    public (int Start, int End) InstRange(int block) => (_blocks[block].InstStart, _blocks[block].InstEnd);
    public ReadOnlySpan<VReg> BlockParams(int block) => CollectionsMarshal.AsSpan(_params).Slice(_blocks[block].ParamStart, _blocks[block].ParamCount);
    public ReadOnlySpan<VReg> BranchArgs(int block) => CollectionsMarshal.AsSpan(_branchArgs).Slice(_blocks[block].ArgStart, _blocks[block].ArgCount);
    public ReadOnlySpan<int> Successors(int block) => CollectionsMarshal.AsSpan(_succs).Slice(_blocks[block].SuccStart, _blocks[block].SuccCount);
    public ReadOnlySpan<int> Predecessors(int block) => _preds.AsSpan(_predStart[block], _predStart[block + 1] - _predStart[block]);

    public ref readonly TInst Inst(int i) => ref _insts[i];
    public ReadOnlySpan<Operand> Operands(int i) => _operands.AsSpan(_opStart[i], _opStart[i + 1] - _opStart[i]);
    public int OperandStart(int i) => _opStart[i];
    public PRegSet Clobbers(int i) => _clobbers[i];
}
