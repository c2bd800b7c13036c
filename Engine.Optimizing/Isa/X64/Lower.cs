using Hoist.Isa.X64;
using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Isa.X64;

/// <summary>
/// Instruction selection: IR → <see cref="VCode{MInst}"/> for x86-64, in the manner of Cranelift's lowering.
/// <list type="bullet">
/// <item>Block order: the function's layout, whatever it is; a branch of a block with several successors to a
///   block with several predecessors (or with arguments) goes through an <b>edge block</b> placed right after
///   the source (it holds the allocator's moves; emission drops it when it stays empty).</item>
/// <item>Blocks are lowered last to first and each block bottom-up, so an instruction decides which operand
///   definitions it absorbs before they are reached: a pure definition in the same block used once (compares
///   into branches, selects and traps; <c>iadd</c>/<c>ishl</c> into address modes), constants into immediates
///   (any block), and <c>uextend</c> everywhere (an i32 register always has its upper half zero, see
///   <see cref="X64Regs"/>). A pure instruction all of whose uses were absorbed is not emitted. Within one IR
///   instruction the machine instructions are kept in forward order (a "sequence"); the sequences of a block
///   are reversed when the VCode is built.</item>
/// <item>The VMContext (the entry block's first parameter) lives in r14 and has no virtual register: memory
///   operands use r14 as their base, other uses copy it (<see cref="X64Op.GetVmctx"/>).</item>
/// </list>
/// One instance serves one thread and many functions.
/// </summary>
public sealed partial class Lower(X64Features cpu)
{
    /// <summary>The extensions the code may use (see <see cref="X64Features"/>); the emitter takes them from the result.</summary>
    readonly X64Features _cpu = cpu;

    public Lower() : this(X64Features.Host) { }

    Function _f = null!;
    VCode<MInst> _code = null!;
    Value _vmctx;
    Block _block;
    int _src;
    bool _interrupts;

    // Per IR value: its vreg (-1 none), its use count in the IR, how many of those uses were absorbed.
    int[] _vreg = new int[256];
    int[] _uses = new int[256];
    int[] _absorbed = new int[256];

    // Per IR block: VCode block index, layout position, predecessor count.
    int[] _vblockOf = new int[64];
    int[] _layoutPos = new int[64];
    int[] _preds = new int[64];
    bool[] _loopHead = new bool[64];

    // VCode blocks in order: an IR block, or an edge block (target IR block and its arguments).
    readonly List<VBlock> _vblocks = new();

    struct VBlock
    {
        public Block Ir;            // the IR block, or None for an edge block
        public Block EdgeTarget;    // edge block: where it jumps
        public int SeqStart, SeqEnd;
        public int[] Succs;
        public VReg[] Args;
    }

    // Lowered machine instructions, in sequences (one per IR instruction, forward order inside).
    MInst[] _mi = new MInst[256];
    int[] _miOpStart = new int[257];
    PRegSet[] _miClobbers = new PRegSet[256];
    int _miCount;
    Operand[] _opPool = new Operand[512];
    int _opPoolCount;
    int[] _seqStart = new int[256];
    int _seqCount;

    // The operand list of the instruction being built.
    readonly List<Operand> _ops = new();

    // Side tables referenced by MInst.Imm.
    readonly List<CallInfo> _calls = new();
    readonly List<int[]> _tables = new();
    readonly Dictionary<Signature, AbiSignature> _abi = new(ReferenceEqualityComparer.Instance);
    readonly Dictionary<int, int> _tableDedup = new();
    // Compares already lowered once: a repeated compare must not count its operands' absorption twice.
    readonly HashSet<int> _cmpCounted = new();

    /// <summary>The result of lowering one function (valid until the next <see cref="Run"/>).</summary>
    public LoweredFunction Run(Function f, bool interruptChecks)
    {
        _f = f;
        _interrupts = interruptChecks;
        _vblocks.Clear();
        _miCount = 0;
        _opPoolCount = 0;
        _seqCount = 0;
        _calls.Clear();
        _tables.Clear();
        _edgeSuccs.Clear();
        _cmpCounted.Clear();
        _sharedAddresses.Clear();
        _flagSetters.Clear();
        Prepare();
        _code = new VCode<MInst>(_vblocks.Count);
        for (int k = _vblocks.Count - 1; k >= 0; k--)
        {
            var vb = _vblocks[k];
            if (!vb.Ir.IsValid) continue;
            LowerBlock(k);
        }
        Build();
        var abi = AbiOf(f.Signature);
        return new LoweredFunction(_code, [.. _calls], [.. _tables], abi, f.Signature, _cpu);
    }

    // ---- Preparation: use counts, predecessors, VCode block order.

    void Prepare()
    {
        int nv = _f.ValueCount, nb = _f.BlockCount;
        if (_vreg.Length < nv)
        {
            int size = Math.Max(nv, _vreg.Length * 2);
            _vreg = new int[size];
            _uses = new int[size];
            _absorbed = new int[size];
            _addrUses = new int[size];
        }
        Array.Fill(_vreg, -1, 0, nv);
        Array.Clear(_uses, 0, nv);
        Array.Clear(_absorbed, 0, nv);
        Array.Clear(_addrUses, 0, nv);
        if (_vblockOf.Length < nb)
        {
            int size = Math.Max(nb, _vblockOf.Length * 2);
            _vblockOf = new int[size];
            _layoutPos = new int[size];
            _preds = new int[size];
            _loopHead = new bool[size];
        }
        Array.Clear(_preds, 0, nb);
        Array.Clear(_loopHead, 0, nb);
        _vmctx = _f.BlockParams(_f.EntryBlock)[0];

        int pos = 0;
        foreach (var b in _f.Blocks) _layoutPos[b.Index] = pos++;
        foreach (var b in _f.Blocks)
        {
            foreach (var i in _f.InstsOf(b))
            {
                foreach (var a in _f.Args(i)) _uses[_f.Resolve(a).Index]++;
                var iop = _f.OpOf(i);
                if (iop.IsLoad() || iop.IsStore()) CountAddressUse(b, i);
                int targets = _f.OpOf(i).IsBranch() ? _f.TargetCount(i) : 0;
                for (int t = 0; t < targets; t++)
                {
                    var target = _f.TargetBlock(i, t);
                    _preds[target.Index]++;
                    if (_layoutPos[target.Index] <= _layoutPos[b.Index]) _loopHead[target.Index] = true;
                    foreach (var a in _f.TargetArgs(i, t)) _uses[_f.Resolve(a).Index]++;
                }
            }
        }
        if (_preds[_f.EntryBlock.Index] != 0) throw new InvalidOperationException("the entry block must not be a branch target");

        // VCode blocks: each IR block, then the edge blocks its terminator needs.
        foreach (var b in _f.Blocks)
        {
            _vblockOf[b.Index] = _vblocks.Count;
            _vblocks.Add(new VBlock { Ir = b, EdgeTarget = Block.None });
            var term = _f.Terminator(b);
            var op = _f.OpOf(term);
            // Edge blocks follow their source block.
            if (op is Op.Brif or Op.BrTable) PlanEdges(term);
        }
    }

    // Edge decisions per terminator: successor VCode indices (filled by PlanEdges, read by the terminator's lowering).
    readonly Dictionary<int, int[]> _edgeSuccs = new();

    /// <summary>Numbers the edge blocks of a branch with several targets (deduplicated by target and arguments).</summary>
    void PlanEdges(Inst term)
    {
        int n = _f.TargetCount(term);
        var succOfTarget = new int[n];
        _tableDedup.Clear();
        for (int t = 0; t < n; t++)
        {
            var target = _f.TargetBlock(term, t);
            var args = _f.TargetArgs(term, t);
            if (_tableDedup.TryGetValue(target.Index, out int prev) && SameArgs(term, prev, t))
            {
                succOfTarget[t] = succOfTarget[prev];
                continue;
            }
            _tableDedup[target.Index] = t;
            if (_preds[target.Index] == 1 && args.Length == 0)
            {
                succOfTarget[t] = -1 - target.Index; // the target itself (resolved to its VCode index later)
                continue;
            }
            succOfTarget[t] = _vblocks.Count;
            _vblocks.Add(new VBlock { Ir = Block.None, EdgeTarget = target });
        }
        _edgeSuccs[term.Index] = succOfTarget;
    }

    bool SameArgs(Inst term, int t1, int t2)
    {
        var a = _f.TargetArgs(term, t1);
        var b = _f.TargetArgs(term, t2);
        if (a.Length != b.Length) return false;
        for (int k = 0; k < a.Length; k++) if (_f.Resolve(a[k]) != _f.Resolve(b[k])) return false;
        return true;
    }

    /// <summary>The VCode successor index for target <paramref name="t"/> of a multi-target branch.</summary>
    int SuccessorOf(Inst term, int t)
    {
        int s = _edgeSuccs[term.Index][t];
        return s >= 0 ? s : _vblockOf[-1 - s];
    }

    // ---- Lowering a block.

    void LowerBlock(int vb)
    {
        var b = _vblocks[vb].Ir;
        _block = b;
        int seqStart = _seqCount;
        for (var i = _f.LastInst(b); i.IsValid; i = _f.PrevInst(i))
        {
            if (IsSkipped(i)) continue;
            _src = _f[i].SourceOffset;
            _cur = i;
            BeginSeq();
            LowerInst(i, vb);
        }
        _src = -1;
        bool entry = b == _f.EntryBlock;
        if (_interrupts && (entry || _loopHead[b.Index]))
        {
            BeginSeq();
            Push(M(X64Op.InterruptCheck, 8), [Operand.Def(NewVReg(RegClass.Int))]);
        }
        if (entry)
        {
            BeginSeq();
            LowerArgs();
        }
        var v = _vblocks[vb];
        v.SeqStart = seqStart;
        v.SeqEnd = _seqCount;
        _vblocks[vb] = v;
    }

    /// <summary>
    /// A pure instruction (or a non-faulting load) whose every use was absorbed (or that has none) is not emitted;
    /// nor is a linear-memory load folded into its user (which then does the access, see Lower.Fold.cs).
    /// </summary>
    bool IsSkipped(Inst i)
    {
        var op = _f.OpOf(i);
        // Pure instructions, and loads of VMContext-side state (they cannot fault), go when every use absorbed them;
        // a heap load only when it was used and folded (one with no use may still have to fault).
        if (!op.IsPure() && !(op.IsLoad() && (new AliasRegion(_f[i].Ref).Kind != RegionKind.Memory || _absorbed[_f.Result(i).Index] > 0)))
            return false;
        int n = _f.ResultCount(i);
        for (int k = 0; k < n; k++)
        {
            int v = _f.Result(i, k).Index;
            if (_uses[v] != _absorbed[v]) return false;
        }
        return true;
    }

    void BeginSeq()
    {
        if (_seqCount == _seqStart.Length) Array.Resize(ref _seqStart, _seqCount * 2);
        _seqStart[_seqCount++] = _miCount;
    }

    // ---- Building the VCode from the sequences.

    void Build()
    {
        for (int k = 0; k < _vblocks.Count; k++)
        {
            var vb = _vblocks[k];
            if (!vb.Ir.IsValid)
            {
                _code.StartBlock(k);
                var jump = M(X64Op.Jump, 8);
                _code.Push(jump, []);
                _code.EndBlock([_vblockOf[vb.EdgeTarget.Index]], vb.Args);
                continue;
            }
            if (vb.Ir == _f.EntryBlock) _code.StartBlock(k);
            else
            {
                var ps = _f.BlockParams(vb.Ir);
                var vps = new VReg[ps.Length];
                for (int p = 0; p < ps.Length; p++) vps[p] = VOf(ps[p]);
                _code.StartBlock(k, vps);
            }
            // Sequences were produced bottom-up: replay them last to first, each forward.
            for (int s = vb.SeqEnd - 1; s >= vb.SeqStart; s--)
            {
                int from = _seqStart[s], to = s + 1 < _seqCount ? _seqStart[s + 1] : _miCount;
                for (int m = from; m < to; m++)
                    _code.Push(_mi[m], _opPool.AsSpan(_miOpStart[m], _miOpStart[m + 1] - _miOpStart[m]), _miClobbers[m]);
            }
            _code.EndBlock(vb.Succs ?? [], vb.Args ?? []);
        }
    }

    void SetSuccessors(int vb, int[] succs, VReg[]? args = null)
    {
        var v = _vblocks[vb];
        v.Succs = succs;
        v.Args = args ?? [];
        _vblocks[vb] = v;
    }

    void SetEdgeArgs(int vb, VReg[] args)
    {
        var v = _vblocks[vb];
        v.Args = args;
        _vblocks[vb] = v;
    }

    // ---- Emitting machine instructions into the current sequence.

    MInst M(X64Op op, int size) => new()
    {
        Op = op, Size = (byte)size, MemBase = MInst.NoReg, MemIndex = MInst.NoReg, Src = _src,
    };

    void Push(in MInst mi, ReadOnlySpan<Operand> ops, PRegSet clobbers = default)
    {
        if (_miCount + 1 >= _mi.Length)
        {
            Array.Resize(ref _mi, _mi.Length * 2);
            Array.Resize(ref _miOpStart, _mi.Length + 1);
            Array.Resize(ref _miClobbers, _mi.Length);
        }
        while (_opPoolCount + ops.Length > _opPool.Length) Array.Resize(ref _opPool, _opPool.Length * 2);
        _mi[_miCount] = mi;
        _miClobbers[_miCount] = clobbers;
        _miOpStart[_miCount] = _opPoolCount;
        ops.CopyTo(_opPool.AsSpan(_opPoolCount));
        _opPoolCount += ops.Length;
        _miOpStart[++_miCount] = _opPoolCount;
    }

    void Push(in MInst mi, PRegSet clobbers = default) => Push(mi, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_ops), clobbers);

    // ---- Values and virtual registers.

    static RegClass ClassOf(IrType t) => t.IsFloat() ? RegClass.Float : RegClass.Int;

    /// <summary>The vreg of an IR value (created on first request).</summary>
    VReg VOf(Value v)
    {
        v = _f.Resolve(v);
        int r = _vreg[v.Index];
        if (r < 0) _vreg[v.Index] = r = _code.NewVReg(ClassOf(_f.TypeOf(v))).Index;
        return new VReg(r);
    }

    VReg NewVReg(RegClass c) => _code.NewVReg(c);

    /// <summary>
    /// The value in a register: its vreg, the copy of r14 for the VMContext, or the source of a <c>uextend</c>
    /// (a free zero-extension under the i32 invariant; the uextend counts as absorbed).
    /// </summary>
    VReg Reg(Value v)
    {
        v = _f.Resolve(v);
        if (v == _vmctx)
        {
            var t = NewVReg(RegClass.Int);
            Push(M(X64Op.GetVmctx, 8), [Operand.Def(t)]);
            return t;
        }
        var def = _f.DefiningInst(v);
        if (def.IsValid && _f.OpOf(def) == Op.Uextend)
        {
            _absorbed[v.Index]++;
            return Reg(_f.Arg(def, 0));
        }
        return VOf(v);
    }

    /// <summary>An integer constant usable as a sign-extended imm32 at the value's width (absorbed on success).</summary>
    bool TryImm32(Value v, out int imm, bool count = true)
    {
        v = _f.Resolve(v);
        var def = _f.DefiningInst(v);
        imm = 0;
        if (!def.IsValid || _f.OpOf(def) != Op.Iconst) return false;
        long c = _f[def].Imm;
        if (_f.TypeOf(v) == IrType.I32) imm = (int)c;
        else if (c != (int)c) return false;
        else imm = (int)c;
        if (count) _absorbed[v.Index]++;
        return true;
    }

    bool IsConst(Value v, out long c)
    {
        var def = _f.DefiningInst(v);
        c = 0;
        if (!def.IsValid || _f.OpOf(def) != Op.Iconst) return false;
        c = _f[def].Imm;
        return true;
    }

    /// <summary>
    /// The defining instruction of <paramref name="v"/> when it is <paramref name="op"/>, in the current block,
    /// pure and used only here (or a compare, which each user may repeat): it is then absorbed (not emitted on
    /// its own once every use has absorbed it).
    /// </summary>
    bool TryAbsorb(Value v, Op op, out Inst def)
    {
        v = _f.Resolve(v);
        def = _f.DefiningInst(v);
        if (!def.IsValid || _f.OpOf(def) != op || _f.BlockOf(def) != _block) return false;
        // A compare is cheap to repeat: each user in the block recomputes it (the flags do not survive between
        // instructions anyway), and the 0/1 value is materialized only if some other use remains.
        bool repeatable = op is Op.Icmp or Op.Fcmp;
        if (!repeatable && (_uses[v.Index] != 1 || _absorbed[v.Index] != 0)) return false;
        _absorbed[v.Index]++;
        return true;
    }

    bool IsDefinedBy(Value v, Op op)
    {
        var def = _f.DefiningInst(v);
        return def.IsValid && _f.OpOf(def) == op;
    }

    // ---- ABI.

    internal AbiSignature AbiOf(Signature sig)
    {
        if (_abi.TryGetValue(sig, out var abi)) return abi;
        // The first IR parameter is the VMContext (r14 for wasm calls; an ordinary argument for System V).
        int skip = sig.Conv == CallConv.Wasm ? 1 : 0;
        var ps = new Hoist.Wasm.ValType[sig.Params.Length - skip];
        for (int i = 0; i < ps.Length; i++) ps[i] = ValTypeOf(sig.Params[i + skip]);
        var rs = new Hoist.Wasm.ValType[sig.Results.Length];
        for (int i = 0; i < rs.Length; i++) rs[i] = ValTypeOf(sig.Results[i]);
        abi = AbiSignature.Of(ps, rs);
        _abi[sig] = abi;
        return abi;
    }

    static Hoist.Wasm.ValType ValTypeOf(IrType t) => t switch
    {
        IrType.I32 => Hoist.Wasm.ValType.I32,
        IrType.I64 => Hoist.Wasm.ValType.I64,
        IrType.F32 => Hoist.Wasm.ValType.F32,
        _ => Hoist.Wasm.ValType.F64,
    };

    static PReg PRegOf(AbiLocation loc) =>
        loc.Kind == AbiLocationKind.Gpr ? X64Regs.G(loc.Gpr) : X64Regs.X(loc.Xmm);

    /// <summary>Entry: the wasm parameters from their ABI locations.</summary>
    void LowerArgs()
    {
        var sig = _f.Signature;
        var abi = AbiOf(sig);
        var ps = _f.BlockParams(_f.EntryBlock);
        _ops.Clear();
        for (int i = 1; i < ps.Length; i++)
        {
            var loc = abi.Params[i - 1];
            var v = VOf(ps[i]);
            _ops.Add(loc.IsStack ? Operand.Def(v, OperandConstraint.Any) : Operand.FixedDef(v, PRegOf(loc)));
        }
        Push(M(X64Op.Args, 8));
    }
}

/// <summary>What one call needs at emission (MInst.Imm indexes the function's list).</summary>
public sealed record CallInfo(Signature Sig, AbiSignature Abi, CallKind Kind, uint FuncIndex, bool OwnVmctx)
{
    /// <summary>Operands before the arguments: the code pointer (indirect) and the callee's VMContext (when not our own).</summary>
    public int ArgBase => (Kind == CallKind.Direct ? 0 : 1) + (OwnVmctx || Sig.Conv == CallConv.SystemV ? 0 : 1);
}

public enum CallKind : byte { Direct, Indirect }

/// <summary>The VCode of one function with the side tables its instructions reference and the extensions it was selected for.</summary>
public sealed record LoweredFunction(VCode<MInst> Code, CallInfo[] Calls, int[][] Tables, AbiSignature Abi, Signature Sig, X64Features Cpu);
