using System.Numerics;
using Hoist.Optimizing.CodeGen;

namespace Hoist.Optimizing.RegAlloc;

/// <summary>
/// Linear-scan register allocation with live-range splitting, after Wimmer and Mössenböck ("Optimized
/// Interval Splitting in a Linear Scan Register Allocator", VEE 2005) and Wimmer and Franz ("Linear Scan
/// Register Allocation on SSA Form", CGO 2010), on the operand model of regalloc2.
/// <list type="number">
/// <item>Liveness: live-in sets per block by backward dataflow (bit sets); block parameters are defined at
///   their block's start, jump arguments used at the jump.</item>
/// <item>Intervals: built in one backward pass, with lifetime holes and use positions (see <see cref="Pos"/>).
///   Operand constraints become positions and fixed ranges: a fixed-register use is read by a move before the
///   instruction, a fixed-register def is moved out after it, a reuse def takes its register before the
///   instruction (the use is copied in), clobbers reserve their registers across the instruction.</item>
/// <item>Allocation in order of interval start: a register free for the whole interval if possible
///   (preferring the hint), else free for a prefix (the rest is split off); if none, the register whose
///   occupants are used farthest away is taken from them (they are split and spilled, to be reloaded before
///   their next register use), or the current interval is spilled up to its first register use.</item>
/// <item>Resolution: operand allocations; moves at split points inside blocks, on CFG edges (values whose
///   location differs across the edge, block arguments into parameters) and for the fixed and reuse
///   constraints. The moves before an instruction run as four parallel groups in order: the incoming edge's,
///   the splits', the outgoing edge's, the constraints'; each is sequentialized with cycles broken through
///   a scratch spill slot.</item>
/// </list>
/// Loops (<see cref="LoopInfo"/>): a value live through a loop and not needed in a register in it before its
/// split point leaves its register at the loop's start (one move on the way in, its slot for the whole loop); a
/// value the loop needs again that meets a short fixed reservation of its register inside the loop (a call's
/// clobbers on a cold path) keeps the register on both sides and is spilled only across the reservation, so the
/// other paths and the back edge see it where the loop header has it; a value whose stores into its slot, weighted
/// by 10^loop depth, would cost more than one store at its definition is stored there once and nowhere else.
/// Spilling follows SSA: a vreg has one slot, and once stored the slot holds its value for good, so a piece
/// can leave its register inside an instruction (after the instruction's last read of it there): the store
/// goes before the instruction, where the register still holds the value, and is skipped when the piece was
/// itself reloaded from the slot earlier in the same block. Slots are shared by vregs whose spill lifetimes
/// (first store to last piece) do not overlap.
/// Requirements on the <see cref="VCode{TInst}"/>: no critical edges (so every edge has a block that can
/// hold its moves), and no instruction needs more registers of a class at once than the class has.
/// </summary>
public static class LinearScan
{
    public static RegAllocOutput Allocate<TInst>(VCode<TInst> code, MachineEnv env) where TInst : struct =>
        new Allocator<TInst>(code, env).Run();

    /// <summary>
    /// Per-thread scratch for the liveness bit sets (blocks × words of vregs each: the biggest allocations of a
    /// function's allocation), reused by the next function allocated on the thread; tables beyond 32 MB are not kept.
    /// </summary>
    [ThreadStatic] static ulong[]? t_gen, t_kill, t_liveIn;
    /// <summary>Per-thread scratch of <c>Sequentialize</c>.</summary>
    [ThreadStatic] static List<(Allocation From, Allocation To)>? t_pending;

    static ulong[] Rent(ref ulong[]? cache, int length)
    {
        if (cache is not null && cache.Length >= length)
        {
            Array.Clear(cache, 0, length);
            return cache;
        }
        var fresh = new ulong[length];
        if (length <= 4 << 20) cache = fresh;
        return fresh;
    }

    sealed class Allocator<TInst>(VCode<TInst> code, MachineEnv env) where TInst : struct
    {
        readonly LiveInterval?[] _roots = new LiveInterval?[code.VRegCount];
        /// <summary>Every piece of each vreg, in order of start (filled after allocation).</summary>
        readonly List<LiveInterval>[] _pieces = new List<LiveInterval>[code.VRegCount];
        /// <summary>Per physical register: ranges it is reserved for fixed operands and clobbers (and the vreg it is reserved for, or -1).</summary>
        readonly List<(int From, int To, int Owner)>?[] _fixed = new List<(int, int, int)>?[64];
        static readonly List<(int From, int To, int Owner)> s_noFixed = new();

        List<(int From, int To, int Owner)> FixedOf(int reg) => _fixed[reg] ??= new();
        ulong[] _liveIn = [];
        int _words;
        readonly PriorityQueue<LiveInterval, (int, int)> _unhandled = new();
        readonly List<LiveInterval> _active = new(), _inactive = new();
        readonly List<LiveInterval> _all = new();
        /// <summary>The register of the latest piece of each vreg that got one (what a vreg hint asks for).</summary>
        readonly int[] _lastReg = Enumerable.Repeat(-1, code.VRegCount).ToArray();

        /// <summary>Block start positions → block (a position is a block start iff it is a key).</summary>
        readonly Dictionary<int, int> _blockOf = new();
        readonly int[] _blockOfInst = new int[code.InstCount];
        /// <summary>The natural loops (dominator-based nesting, depth per block): loop-weighted costs and split hoisting.</summary>
        LoopInfo _loopNest = null!;

        public RegAllocOutput Run()
        {
            if (!code.IsComplete) throw new InvalidOperationException("the VCode is not complete");
            for (int b = 0; b < code.BlockCount; b++)
            {
                _blockOf[Pos.Before(code.InstRange(b).Start)] = b;
                var (bs, be) = code.InstRange(b);
                for (int i = bs; i < be; i++) _blockOfInst[i] = b;
            }
            ComputeLoops();
            _loopNest = LoopInfo.Compute(code);
            ComputeLiveness();
            BuildIntervals();
            foreach (var iv in _roots)
                if (iv is not null && !iv.IsEmpty) Enqueue(iv);
            AllocateAll();
            return Resolve();
        }

        LiveInterval Interval(VReg v) => _roots[v.Index] ??= new LiveInterval(v, code.ClassOf(v));

        void Enqueue(LiveInterval iv)
        {
            _all.Add(iv);
            _unhandled.Enqueue(iv, (iv.Start, iv.VReg.Index));
        }

        // ---- Liveness.

        void ComputeLiveness()
        {
            int blocks = code.BlockCount, words = _words = (code.VRegCount + 63) / 64;
            var gen = Rent(ref t_gen, blocks * words);
            var kill = Rent(ref t_kill, blocks * words);
            _liveIn = Rent(ref t_liveIn, blocks * words);
            for (int b = 0; b < blocks; b++)
            {
                var g = gen.AsSpan(b * words, words);
                var k = kill.AsSpan(b * words, words);
                foreach (var p in code.BlockParams(b)) Set(k, p.Index);
                var (start, end) = code.InstRange(b);
                for (int i = start; i < end; i++)
                {
                    foreach (var op in code.Operands(i))
                        if (op.Kind == OperandKind.Use && !Has(k, op.VReg.Index)) Set(g, op.VReg.Index);
                    foreach (var op in code.Operands(i))
                        if (op.Kind == OperandKind.Def) Set(k, op.VReg.Index);
                }
                foreach (var a in code.BranchArgs(b))
                    if (!Has(k, a.Index)) Set(g, a.Index);
            }
            var liveOut = new ulong[words];
            bool changed = true;
            while (changed)
            {
                changed = false;
                for (int b = blocks - 1; b >= 0; b--)
                {
                    Array.Clear(liveOut);
                    foreach (int s in code.Successors(b))
                    {
                        var inS = LiveIn(s);
                        for (int w = 0; w < words; w++) liveOut[w] |= inS[w];
                    }
                    var g = gen.AsSpan(b * words, words);
                    var k = kill.AsSpan(b * words, words);
                    var inB = LiveIn(b);
                    for (int w = 0; w < words; w++)
                    {
                        ulong v = g[w] | (liveOut[w] & ~k[w]);
                        if (v != inB[w]) { inB[w] = v; changed = true; }
                    }
                }
            }
        }

        /// <summary>The live-in set of a block (a row of the flat blocks × words table).</summary>
        Span<ulong> LiveIn(int block) => _liveIn.AsSpan(block * _words, _words);

        static void Set(Span<ulong> bits, int i) => bits[i >> 6] |= 1UL << (i & 63);
        static bool Has(Span<ulong> bits, int i) => (bits[i >> 6] & (1UL << (i & 63))) != 0;

        // ---- Intervals.

        void BuildIntervals()
        {
            int words = (code.VRegCount + 63) / 64;
            var liveOut = new ulong[words];
            for (int b = code.BlockCount - 1; b >= 0; b--)
            {
                var (start, end) = code.InstRange(b);
                int from = Pos.Before(start), to = Pos.Before(end);
                Array.Clear(liveOut);
                foreach (int s in code.Successors(b))
                    {
                    var inS = LiveIn(s);
                    for (int w = 0; w < words; w++) liveOut[w] |= inS[w];
                }
                for (int w = 0; w < words; w++)
                    for (ulong bits = liveOut[w]; bits != 0; bits &= bits - 1)
                        Interval(new VReg(w * 64 + BitOperations.TrailingZeroCount(bits))).AddRange(from, to);
                int term = end - 1;
                var args = code.BranchArgs(b);
                if (args.Length > 0)
                {
                    var ps = code.BlockParams(code.Successors(b)[0]);
                    for (int k = 0; k < args.Length; k++)
                    {
                        var iv = Interval(args[k]);
                        iv.AddRange(from, Pos.Late(term));
                        iv.AddUse(new UsePos(Pos.Early(term), false, -1));
                        // A parameter and its argument in one place save the edge move: hint both ways (a loop
                        // header's parameter is allocated before the value its latch passes back).
                        Interval(ps[k]).HintVReg = args[k].Index;
                        if (iv.HintVReg < 0 && iv.Hint < 0) iv.HintVReg = ps[k].Index;
                    }
                }
                for (int i = end - 1; i >= start; i--) BuildInst(i, from);
                foreach (var p in code.BlockParams(b)) Interval(p).SetFrom(from, from + 1);
            }
        }

        void BuildInst(int i, int blockFrom)
        {
            var ops = code.Operands(i);
            var clobbers = code.Clobbers(i);
            foreach (var r in clobbers.Registers())
            {
                bool definedHere = false;
                foreach (var op in ops) definedHere |= op.Kind == OperandKind.Def && op.Constraint == OperandConstraint.FixedReg && op.Fixed == r;
                if (!definedHere) FixedOf(r.Index).Add((Pos.Late(i), Pos.After(i), -1));
            }
            for (int k = 0; k < ops.Length; k++)
            {
                var op = ops[k];
                if (op.Kind != OperandKind.Def) continue;
                var iv = Interval(op.VReg);
                _defInst[op.VReg.Index] = i;
                switch (op.Constraint)
                {
                    case OperandConstraint.FixedReg:
                        // Produced in the register; moved to the interval's place after the instruction.
                        FixedOf(op.Fixed.Index).Add((Pos.Late(i), Pos.After(i), op.VReg.Index));
                        iv.SetFrom(Pos.After(i), Pos.After(i) + 1);
                        iv.AddUse(new UsePos(Pos.After(i), false, op.Fixed.Index));
                        iv.Hint = op.Fixed.Index;
                        break;
                    case OperandConstraint.Reuse:
                        // Takes its register before the instruction, where the reused input is copied in.
                        iv.SetFrom(Pos.Before(i), Pos.After(i));
                        iv.AddUse(new UsePos(Pos.Before(i), true, -1));
                        iv.HintVReg = iv.ReuseVReg = ops[op.ReuseIndex].VReg.Index;
                        break;
                    default:
                        int pos = op.Pos == OperandPos.Early ? Pos.Early(i) : Pos.Late(i);
                        iv.SetFrom(pos, Pos.After(i));
                        iv.AddUse(new UsePos(pos, op.Constraint == OperandConstraint.Reg, -1));
                        break;
                }
            }
            for (int k = 0; k < ops.Length; k++)
            {
                var op = ops[k];
                if (op.Kind != OperandKind.Use) continue;
                var iv = Interval(op.VReg);
                bool reused = false;
                foreach (var d in ops) reused |= d.Kind == OperandKind.Def && d.Constraint == OperandConstraint.Reuse && d.ReuseIndex == k;
                if (op.Constraint == OperandConstraint.Stack) throw new NotSupportedException("stack-only operands are not supported yet");
                if (op.Constraint == OperandConstraint.FixedReg || reused)
                {
                    // Read by a move before the instruction.
                    iv.AddRange(blockFrom, Pos.Before(i) + 1);
                    iv.AddUse(new UsePos(Pos.Before(i), false, op.Constraint == OperandConstraint.FixedReg ? op.Fixed.Index : -1));
                    if (op.Constraint == OperandConstraint.FixedReg)
                    {
                        FixedOf(op.Fixed.Index).Add((Pos.Before(i), Pos.Late(i), op.VReg.Index));
                        if (iv.Hint < 0) iv.Hint = op.Fixed.Index;
                    }
                    continue;
                }
                int pos = op.Pos == OperandPos.Late ? Pos.Late(i) : Pos.Early(i);
                iv.AddRange(blockFrom, pos + 1);
                iv.AddUse(new UsePos(pos, op.Constraint == OperandConstraint.Reg, -1));
            }
        }

        // ---- Allocation.

        void AllocateAll()
        {
            foreach (var list in _fixed) list?.Sort();
            while (_unhandled.TryDequeue(out var cur, out _))
            {
                int position = cur.Start;
                for (int k = _active.Count - 1; k >= 0; k--)
                {
                    var it = _active[k];
                    if (it.End <= position) _active.RemoveAt(k);
                    else if (!it.Covers(position)) { _active.RemoveAt(k); _inactive.Add(it); }
                }
                for (int k = _inactive.Count - 1; k >= 0; k--)
                {
                    var it = _inactive[k];
                    if (it.End <= position) _inactive.RemoveAt(k);
                    else if (it.Covers(position)) { _inactive.RemoveAt(k); _active.Add(it); }
                }
                if (!TryAllocateFree(cur)) AllocateBlocked(cur);
                if (cur.Reg >= 0)
                {
                    _active.Add(cur);
                    _lastReg[cur.VReg.Index] = cur.Reg;
                }
            }
        }

        /// <summary>The first position at or after <paramref name="pos"/> (default: the interval's start) where a fixed reservation of <paramref name="reg"/> (not its own) overlaps the interval.</summary>
        int FixedIntersection(LiveInterval cur, int reg, int pos = -1)
        {
            if (pos < cur.Start) pos = cur.Start;
            int best = int.MaxValue;
            foreach (var (from, to, owner) in _fixed[reg] ?? s_noFixed)
            {
                if (owner == cur.VReg.Index || to <= pos) continue;
                if (from >= best) break;
                int n = cur.NextIntersection(from, to, pos);
                if (n < best) best = n;
            }
            return best;
        }

        /// <summary>The register a hint names: the reused input's (no copy at the definition), else a fixed operand's, else a block argument's.</summary>
        int HintedReg(LiveInterval cur) =>
            cur.ReuseVReg >= 0 && _lastReg[cur.ReuseVReg] >= 0 ? _lastReg[cur.ReuseVReg]
            : cur.Hint >= 0 ? cur.Hint
            : cur.HintVReg >= 0 ? _lastReg[cur.HintVReg] : -1;

        /// <summary>
        /// An interval that does not keep <paramref name="cur"/> from its register: the input a reuse def takes
        /// over when that input dies at the instruction (the def is written only at the late point, so the
        /// instruction's other early reads of the same value still find it there).
        /// </summary>
        static bool HandsOver(LiveInterval it, LiveInterval cur) =>
            it.VReg.Index == cur.ReuseVReg && it.End <= Pos.Late(Pos.InstOf(cur.Start));

        PRegSet _intMask, _floatMask;

        PRegSet Allowed(RegClass c)
        {
            if (_intMask.IsEmpty)
            {
                foreach (var r in env.IntRegs) _intMask = _intMask.With(r);
                foreach (var r in env.FloatRegs) _floatMask = _floatMask.With(r);
            }
            return c == RegClass.Int ? _intMask : _floatMask;
        }

        bool TryAllocateFree(LiveInterval cur)
        {
            var regs = env.Registers(cur.Class);
            Span<int> freeUntil = stackalloc int[64];
            foreach (var r in regs) freeUntil[r.Index] = FixedIntersection(cur, r.Index);
            foreach (var it in _active) if (it.Class == cur.Class && !HandsOver(it, cur)) freeUntil[it.Reg] = 0;
            foreach (var it in _inactive)
            {
                if (it.Class != cur.Class || HandsOver(it, cur)) continue;
                int n = cur.NextIntersection(it.Ranges, cur.Start);
                if (n < freeUntil[it.Reg]) freeUntil[it.Reg] = n;
            }
            int reg = -1;
            int hint = HintedReg(cur);
            if (hint >= 0 && Allowed(cur.Class).Contains(PReg.FromIndex(hint)) && freeUntil[hint] >= cur.End) reg = hint;
            else
                foreach (var r in regs)
                    if (reg < 0 || freeUntil[r.Index] > freeUntil[reg]) reg = r.Index;
            if (reg < 0 || freeUntil[reg] <= cur.Start) return false;
            if (freeUntil[reg] >= cur.End)
            {
                cur.Reg = reg;
                return true;
            }
            int split = SplitPosition(cur, freeUntil[reg]);
            if (split <= cur.Start) return false;
            // A value live through a loop and not needed in a register in it before the split leaves the register
            // where the loop starts (one move on the way in) rather than inside it (moves on its back edge too).
            int hoisted = HoistSplit(cur, split);
            if (hoisted == split && freeUntil[reg] == FixedIntersection(cur, reg))
                foreach (var r in regs)
                    if (freeUntil[r.Index] == freeUntil[reg] && SplitAroundReservation(cur, r.Index, freeUntil[reg], split)) return true;
            split = hoisted;
            // A register for a stretch with no register use would only carry the value to a move (a call's
            // clobber, typically, inside a loop): keep it in its slot until it is needed instead.
            int firstRegUse = cur.NextRegUse(cur.Start);
            if (firstRegUse >= split)
            {
                if (firstRegUse == int.MaxValue)
                {
                    cur.Spilled = true;
                    return true;
                }
                int reload = Pos.Before(Pos.InstOf(firstRegUse));
                if (reload > cur.Start)
                {
                    var rest = cur.SplitAt(reload);
                    cur.Spilled = true;
                    rest.IsReload = true;
                    Enqueue(rest);
                    return true;
                }
            }
            cur.Reg = reg;
            Enqueue(cur.SplitAt(split));
            return true;
        }

        /// <summary>
        /// Keeps <paramref name="reg"/> for <paramref name="cur"/> on both sides of a short fixed reservation of it
        /// (a call's clobbers, typically) that starts at <paramref name="conflict"/>: the value is stored before the
        /// instruction holding the reservation (<paramref name="split"/>) and reloaded into the same register right
        /// after it. Only inside a loop, for a value the loop needs again in a register (used later in the loop, or
        /// used earlier and live across its back edge): the reservation then costs a store and a load on the path
        /// through it (a cold call, say) and nothing on the others, where splitting at the reservation and
        /// allocating the rest afresh would put the value elsewhere for the rest of the loop, with moves on the back
        /// edge and on every path that joins it. Returns false (nothing changed) when the register is not free
        /// from the reload to the interval's end, or the value needs a register across the reservation.
        /// </summary>
        bool SplitAroundReservation(LiveInterval cur, int reg, int conflict, int split)
        {
            int loop = _loopNest.Innermost[_blockOfInst[Pos.InstOf(conflict)]];
            if (loop < 0) return false;
            // The end of the reservation (consecutive fixed ranges of other owners merge).
            int end = conflict;
            foreach (var (from, to, owner) in _fixed[reg] ?? s_noFixed)
            {
                if (owner == cur.VReg.Index || to <= conflict) continue;
                if (from > end) break;
                if (to > end) end = to;
            }
            int reload = Pos.Before(Pos.InstOf(end - 1) + 1);
            if (reload >= cur.End || cur.NextRegUse(split) < reload) return false;
            if (!NeededLaterInLoop(cur, loop, split, reload)) return false;
            // Free from the reload to the end: no fixed reservation and no other interval in the register.
            if (FixedIntersection(cur, reg, reload) != int.MaxValue) return false;
            foreach (var it in _active)
                if (it.Reg == reg && it.Class == cur.Class && cur.NextIntersection(it.Ranges, reload) != int.MaxValue) return false;
            foreach (var it in _inactive)
                if (it.Reg == reg && it.Class == cur.Class && cur.NextIntersection(it.Ranges, reload) != int.MaxValue) return false;
            var across = cur.SplitAt(split);
            var rest = across.SplitAt(reload);
            cur.Reg = reg;
            across.Spilled = true;
            _all.Add(across);
            rest.Reg = reg;
            rest.IsReload = true;
            _all.Add(rest);
            _inactive.Add(rest);
            return true;
        }

        /// <summary>
        /// Whether the loop needs the value in a register after a point inside it: a register use after
        /// <paramref name="from"/> in a block of the loop, or a register use in the loop before
        /// <paramref name="before"/> while the value is live where the loop's back edges leave.
        /// </summary>
        bool NeededLaterInLoop(LiveInterval cur, int loop, int before, int from)
        {
            foreach (var u in cur.Uses)
            {
                if (!u.RequiresReg || !_loopNest.Contains(loop, _blockOfInst[Pos.InstOf(u.Pos)])) continue;
                if (u.Pos >= from) return true;
                if (u.Pos < before && LiveAtBackEdge(cur, loop)) return true;
            }
            return false;
        }

        bool LiveAtBackEdge(LiveInterval cur, int loop)
        {
            int header = _loopNest.Header[loop];
            foreach (int p in code.Predecessors(header))
                if (_loopNest.Contains(loop, p) && cur.Covers(Pos.Early(code.InstRange(p).End - 1))) return true;
            return false;
        }

        /// <summary>Where to split an interval that must leave its place by <paramref name="limit"/>: before the instruction holding it.</summary>
        static int SplitPosition(LiveInterval cur, int limit) => Pos.Before(Pos.InstOf(limit));

        /// <summary>
        /// No register is free: take one from intervals used later than the current one needs it (they are
        /// split before the current instruction and spilled, to be reloaded before their next register use),
        /// or spill the current interval up to its first register use. Decisions are per instruction: a value
        /// an instruction uses keeps its register through that instruction.
        /// </summary>
        void AllocateBlocked(LiveInterval cur)
        {
            int firstRegUse = cur.NextRegUse(cur.Start);
            if (firstRegUse == int.MaxValue)
            {
                cur.Spilled = true;
                return;
            }
            int here = Pos.Before(Pos.InstOf(cur.Start));
            var regs = env.Registers(cur.Class);
            Span<int> nextUse = stackalloc int[64];
            Span<int> blockPos = stackalloc int[64];
            foreach (var r in regs)
            {
                int f = FixedIntersection(cur, r.Index);
                nextUse[r.Index] = f;
                blockPos[r.Index] = f;
            }
            foreach (var it in _active)
                if (it.Class == cur.Class && !HandsOver(it, cur)) nextUse[it.Reg] = Math.Min(nextUse[it.Reg], EvictionCost(it, cur, here));
            foreach (var it in _inactive)
                if (it.Class == cur.Class && !HandsOver(it, cur) && cur.NextIntersection(it.Ranges, cur.Start) != int.MaxValue)
                    nextUse[it.Reg] = Math.Min(nextUse[it.Reg], EvictionCost(it, cur, here));
            int reg = -1;
            foreach (var r in regs)
                if (reg < 0 || nextUse[r.Index] > nextUse[reg]) reg = r.Index;
            if (nextUse[reg] == int.MaxValue ? false : Pos.InstOf(nextUse[reg]) <= Pos.InstOf(firstRegUse))
            {
                // Every register is needed no later than the current interval needs one: spill it up to its first register use.
                int split = Pos.Before(Pos.InstOf(firstRegUse));
                if (split <= cur.Start)
                    throw new InvalidOperationException($"register allocation failed: no {cur.Class} register for {cur} (one instruction needs more values in registers than there are); in registers: "
                        + string.Join("; ", _active.Where(a => a.Class == cur.Class).Select(a => $"{a} next used at {a.NextUse(here)}")));
                var rest = cur.SplitAt(split);
                cur.Spilled = true;
                rest.IsReload = true;
                Enqueue(rest);
                return;
            }
            cur.Reg = reg;
            if (blockPos[reg] < cur.End)
            {
                int split = Pos.Before(Pos.InstOf(blockPos[reg]));
                if (split <= cur.Start) throw new InvalidOperationException($"register allocation failed for {cur}: its register is reserved at once");
                Enqueue(cur.SplitAt(split));
            }
            for (int k = _active.Count - 1; k >= 0; k--)
                if (_active[k].Reg == reg && _active[k].Class == cur.Class && !HandsOver(_active[k], cur)) Evict(_active, k, cur.Start);
            for (int k = _inactive.Count - 1; k >= 0; k--)
                if (_inactive[k].Reg == reg && _inactive[k].Class == cur.Class && !HandsOver(_inactive[k], cur)
                    && cur.NextIntersection(_inactive[k].Ranges, cur.Start) != int.MaxValue)
                    Evict(_inactive, k, cur.Start);
        }

        /// <summary>
        /// When an occupant of a register next needs it (a use that can read a slot, such as a stack argument or the
        /// move into a fixed register, does not), counting from the current interval's start: a value
        /// defined in the current instruction cannot give its register up inside it (its spill store would
        /// precede its definition), so it counts as needed there; a reloaded piece can (its slot is valid), and
        /// so can a piece that starts with its block (block parameters and edge moves are in place before) or
        /// was moved into its register at this instruction's start (its store reads where it came from).
        /// <para>Loops: linear order hides the next iteration, so a value used earlier in a loop around the current
        /// position and live across its back edge counts as needed at the loop's end (evicting it would cost a
        /// reload on every iteration).</para>
        /// </summary>
        int EvictionCost(LiveInterval it, LiveInterval cur, int here)
        {
            if (it.Start > here || (it.Start == here && it.ReuseVReg >= 0)) return it.Start;
            int next = it.NextRegUse(cur.Start);
            foreach (var (from, to) in _loopRanges)
            {
                if (from > cur.Start || to <= cur.Start || to >= next) continue;
                if (it.Covers(to - 1) && UsedBetween(it, from, cur.Start)) next = to;
            }
            return next;
        }

        static bool UsedBetween(LiveInterval it, int from, int to)
        {
            foreach (var u in it.Uses)
                if (u.Pos >= from && u.Pos < to && u.RequiresReg) return true;
            return false;
        }

        /// <summary>
        /// Takes the register from an interval from <paramref name="split"/> (the current interval's start) on.
        /// That part lives in the vreg's spill slot: the store happens before the instruction holding the split
        /// (where the register still holds the value), so the split may fall inside an instruction after the
        /// evicted value's last read there. A new piece from before its next register use is allocated again.
        /// </summary>
        void Evict(List<LiveInterval> list, int k, int split)
        {
            var it = list[k];
            list.RemoveAt(k);
            split = HoistSplit(it, split);
            LiveInterval rest;
            if (split <= it.Start)
            {
                // The whole piece moves to the stack (the move that brought it into the register now stores it).
                it.Reg = -1;
                rest = it;
            }
            else
            {
                rest = it.SplitAt(split);
                if (rest.Start > split)
                {
                    // The split fell in a lifetime hole: the rest starts later and is simply allocated again.
                    Enqueue(rest);
                    return;
                }
                _all.Add(rest);
            }
            int nextReg = rest.NextRegUse(rest.Start);
            if (nextReg != int.MaxValue)
            {
                int reload = Pos.Before(Pos.InstOf(nextReg));
                if (reload <= rest.Start) throw new InvalidOperationException($"register allocation failed: {rest} is needed where its register is taken");
                var again = rest.SplitAt(reload);
                again.IsReload = true;
                Enqueue(again);
            }
            rest.Spilled = true;
        }

        // ---- Loops: where a split costs least.

        /// <summary>Loops as position ranges, from a header's start to the end of its last back edge's source (blocks are in
        /// layout order and a loop is contiguous): the cheap range tests of eviction costs and split hoisting.</summary>
        readonly List<(int From, int To)> _loopRanges = new();

        void ComputeLoops()
        {
            for (int b = 0; b < code.BlockCount; b++)
                foreach (int h in code.Successors(b))
                {
                    if (h > b) continue;
                    int from = Pos.Before(code.InstRange(h).Start), to = Pos.After(code.InstRange(b).End - 1);
                    int k = _loopRanges.FindIndex(l => l.From == from);
                    if (k < 0) _loopRanges.Add((from, to));
                    else if (_loopRanges[k].To < to) _loopRanges[k] = (from, to);
                }
        }

        /// <summary>
        /// Moves an eviction's split back to the start of the outermost loop around it in which the interval is live
        /// throughout and needs no register before the split: the value then stays in its slot for the whole loop
        /// (stored once on the way in) instead of being reloaded on every back edge.
        /// </summary>
        int HoistSplit(LiveInterval it, int split)
        {
            int best = split;
            foreach (var (from, to) in _loopRanges)
            {
                if (from >= best || to <= split || from <= it.Start) continue;
                if (!CoversThrough(it, from, split) || it.NextRegUse(from) < split) continue;
                best = from;
            }
            return best;
        }

        static bool CoversThrough(LiveInterval it, int from, int to)
        {
            foreach (var (f, t) in it.Ranges)
                if (f <= from && t > to) return true;
            return false;
        }

        // ---- Resolution.

        RegAllocOutput Resolve()
        {
            foreach (var it in _all)
            {
                if (it.IsEmpty) continue;
                (_pieces[it.VReg.Index] ??= new()).Add(it);
            }
            foreach (var list in _pieces) list?.Sort((a, b) => a.Start.CompareTo(b.Start));
            _storeAtDef = new bool[code.VRegCount];
            for (int v = 0; v < _pieces.Length; v++) _storeAtDef[v] = StoresAtDefinition(v);
            var slots = AssignSpillSlots();

            var operands = new Allocation[code.OperandCount];
            var moves = new SortedDictionary<int, MoveGroups>();
            MoveGroups At(int order) => moves.TryGetValue(order, out var g) ? g : moves[order] = new MoveGroups();

            // Stores at definitions (the only stores of those vregs).
            for (int v = 0; v < _pieces.Length; v++)
                if (_storeAtDef[v])
                    At(ProgPoint.AfterInst(_defInst[v]).Order).DefStore.Add((Location(_pieces[v]![0], slots), Allocation.InStack(new SpillSlot(_slotOf[v]))));

            // Moves where a vreg's piece ends and the next begins inside a block.
            foreach (var list in _pieces)
            {
                if (list is null) continue;
                for (int k = 1; k < list.Count; k++)
                {
                    var a = list[k - 1];
                    var b = list[k];
                    if (a.End != b.Start || _blockOf.ContainsKey(b.Start)) continue;
                    var from = Location(a, slots);
                    var to = Location(b, slots);
                    // Split inside the instruction that piece a was moved in at: the move into a and the store
                    // run together at the instruction's start, so the store reads where a came from.
                    if (b.Start != Pos.Before(Pos.InstOf(b.Start)) && a.Start == Pos.Before(Pos.InstOf(b.Start))
                        && !_blockOf.ContainsKey(a.Start) && k >= 2 && list[k - 2].End == a.Start)
                        from = Location(list[k - 2], slots);
                    // A piece reloaded from the slot inside a block needs no store when it is spilled again (one
                    // that begins with its block got its value from edge moves, maybe from a register: it does).
                    // (and only on the path through the reload: in the same block as the split)
                    bool slotValid = a.IsReload && !_blockOf.ContainsKey(a.Start) && b.Spilled
                        && _blockOfInst[Pos.InstOf(a.Start)] == _blockOfInst[Pos.InstOf(b.Start)];
                    if (from != to && !slotValid && !(to.Kind == AllocationKind.Stack && _storeAtDef[a.VReg.Index])) At(ProgPoint.Before(Pos.InstOf(b.Start)).Order).Split.Add((from, to));
                }
            }

            // Operands, and the moves their fixed and reuse constraints need.
            for (int i = 0; i < code.InstCount; i++)
            {
                var ops = code.Operands(i);
                int first = code.OperandStart(i);
                for (int k = 0; k < ops.Length; k++)
                {
                    var op = ops[k];
                    if (op.Kind != OperandKind.Def) continue;
                    switch (op.Constraint)
                    {
                        case OperandConstraint.FixedReg:
                        {
                            operands[first + k] = Allocation.InReg(op.Fixed);
                            var to = LocationAt(op.VReg, Pos.After(i), slots);
                            if (to != operands[first + k]) At(ProgPoint.AfterInst(i).Order).Fixup.Add((operands[first + k], to));
                            break;
                        }
                        case OperandConstraint.Reuse:
                        {
                            var place = LocationAt(op.VReg, Pos.Before(i), slots);
                            operands[first + k] = place;
                            operands[first + op.ReuseIndex] = place;
                            var from = LocationAt(ops[op.ReuseIndex].VReg, Pos.Before(i), slots);
                            if (from != place) At(ProgPoint.Before(i).Order).Fixup.Add((from, place));
                            break;
                        }
                        default:
                            operands[first + k] = LocationAt(op.VReg, op.Pos == OperandPos.Early ? Pos.Early(i) : Pos.Late(i), slots);
                            break;
                    }
                }
                for (int k = 0; k < ops.Length; k++)
                {
                    var op = ops[k];
                    if (op.Kind != OperandKind.Use || operands[first + k].Kind != AllocationKind.None) continue;
                    if (op.Constraint == OperandConstraint.FixedReg)
                    {
                        operands[first + k] = Allocation.InReg(op.Fixed);
                        var from = LocationAt(op.VReg, Pos.Before(i), slots);
                        if (from != operands[first + k]) At(ProgPoint.Before(i).Order).Fixup.Add((from, operands[first + k]));
                    }
                    else operands[first + k] = LocationAt(op.VReg, op.Pos == OperandPos.Late ? Pos.Late(i) : Pos.Early(i), slots);
                }
            }

            // Edges: values live across whose place differs, and block arguments into parameters.
            var paramLocs = new Allocation[code.BlockCount][];
            for (int s = 0; s < code.BlockCount; s++)
            {
                var ps = code.BlockParams(s);
                int sStart = Pos.Before(code.InstRange(s).Start);
                paramLocs[s] = new Allocation[ps.Length];
                for (int k = 0; k < ps.Length; k++) paramLocs[s][k] = LocationAt(ps[k], sStart, slots);
                foreach (int p in code.Predecessors(s))
                {
                    var (pStart, pEnd) = code.InstRange(p);
                    int term = pEnd - 1, pPos = Pos.Early(term);
                    // Moves go at the end of the predecessor if it has one successor, else at the start of the
                    // successor (which then has one predecessor). In a one-instruction block both are the same
                    // point: the incoming edge's moves run first.
                    List<(Allocation, Allocation)> group;
                    if (code.Successors(p).Length == 1) group = At(ProgPoint.Before(term).Order).Outgoing;
                    else if (code.Predecessors(s).Length == 1) group = At(ProgPoint.Before(code.InstRange(s).Start).Order).Incoming;
                    else throw new InvalidOperationException($"critical edge {p} -> {s}: split it before register allocation");
                    var liveIn = LiveIn(s);
                    for (int w = 0; w < _words; w++)
                    for (ulong bits = liveIn[w]; bits != 0; bits &= bits - 1)
                    {
                        int v = w * 64 + BitOperations.TrailingZeroCount(bits);
                        var from = LocationAt(new VReg(v), pPos, slots);
                        var to = LocationAt(new VReg(v), sStart, slots);
                        if (from != to && !(to.Kind == AllocationKind.Stack && _storeAtDef[v])) group.Add((from, to));
                    }
                    var args = code.BranchArgs(p);
                    for (int k = 0; k < ps.Length && k < args.Length; k++)
                    {
                        var from = LocationAt(args[k], pPos, slots);
                        if (from != paramLocs[s][k]) group.Add((from, paramLocs[s][k]));
                    }
                }
            }

            var edits = new List<Edit>();
            int scratch = -1;
            foreach (var (order, groups) in moves)
            {
                var at = new ProgPoint(order >> 1, (order & 1) != 0);
                Sequentialize(groups.Incoming, at, edits, ref scratch, ref slots);
                Sequentialize(groups.Split, at, edits, ref scratch, ref slots);
                Sequentialize(groups.Outgoing, at, edits, ref scratch, ref slots);
                Sequentialize(groups.Fixup, at, edits, ref scratch, ref slots);
                Sequentialize(groups.DefStore, at, edits, ref scratch, ref slots);
            }
            return new RegAllocOutput(operands, paramLocs, edits, slots);
        }

        /// <summary>Per vreg: the instruction defining it, or -1 (block parameters).</summary>
        readonly int[] _defInst = Enumerable.Repeat(-1, code.VRegCount).ToArray();
        /// <summary>Per vreg: stored into its slot once, right after its definition, and never again (see <see cref="StoresAtDefinition"/>).</summary>
        bool[] _storeAtDef = [];

        /// <summary>
        /// Spill at the definition: a value whose stores into its slot (at the starts of its spilled pieces) cost
        /// more, weighted by 10^loop depth, than one store where it is defined is stored there instead (SSA: the
        /// slot then holds it for good), and every other store into its slot goes; typically a value defined
        /// before a loop and spilled inside it. Only for a value defined in a register (one defined in its slot
        /// needs no store) by an instruction that does not end its block.
        /// </summary>
        bool StoresAtDefinition(int v)
        {
            int i = _defInst[v];
            if (i < 0 || _pieces[v] is not { } list) return false;
            var first = list[0];
            if (first.Reg < 0 || !first.Covers(Pos.After(i))) return false;
            int block = _blockOfInst[i];
            if (i == code.InstRange(block).End - 1) return false;
            double atDef = Weight(block), stores = 0;
            for (int k = 1; k < list.Count; k++)
            {
                var p = list[k];
                if (!p.Spilled || list[k - 1].Spilled) continue;
                if (_blockOf.TryGetValue(p.Start, out int b))
                    foreach (int pred in code.Predecessors(b)) stores += Weight(pred);
                else stores += Weight(_blockOfInst[Pos.InstOf(p.Start)]);
            }
            return stores > atDef;
        }

        /// <summary>How often a block runs, estimated: 10^loop depth.</summary>
        double Weight(int block) => Math.Pow(10, Math.Min(_loopNest.Depth[block], 6));

        sealed class MoveGroups
        {
            public readonly List<(Allocation From, Allocation To)> Incoming = new(), Split = new(), Outgoing = new(), Fixup = new(), DefStore = new();
        }

        int[] _slotOf = [];

        /// <summary>
        /// One spill slot per spilled vreg, shared by vregs whose spill lifetimes do not overlap. A spill lifetime
        /// runs from the first store into the slot (before the instruction a spilled piece begins in, or at the
        /// end of every predecessor when the piece begins with its block, where the edge moves write it) to the
        /// end of the vreg's last piece.
        /// </summary>
        int AssignSpillSlots()
        {
            _slotOf = new int[code.VRegCount];
            Array.Fill(_slotOf, -1);
            var spans = new List<(int From, int To, int VReg)>();
            for (int v = 0; v < _pieces.Length; v++)
            {
                if (_pieces[v] is not { } list) continue;
                int from = int.MaxValue, to = int.MinValue;
                foreach (var it in list)
                {
                    if (!it.Spilled) continue;
                    to = Math.Max(to, it.End);
                    if (!_blockOf.TryGetValue(it.Start, out int block))
                    {
                        from = Math.Min(from, Pos.Before(Pos.InstOf(it.Start)));
                        continue;
                    }
                    from = Math.Min(from, it.Start);
                    foreach (int p in code.Predecessors(block))
                    {
                        int write = Pos.Before(code.InstRange(p).End - 1);
                        from = Math.Min(from, write);
                        to = Math.Max(to, write + 1);
                    }
                }
                if (_storeAtDef[v]) from = Pos.Before(_defInst[v]);
                if (from != int.MaxValue) spans.Add((from, Math.Max(to, list[^1].End), v));
            }
            spans.Sort();
            var slotFreeAt = new List<int>();
            foreach (var (from, to, v) in spans)
            {
                int slot = slotFreeAt.FindIndex(free => free <= from);
                if (slot < 0) { slot = slotFreeAt.Count; slotFreeAt.Add(0); }
                slotFreeAt[slot] = to;
                _slotOf[v] = slot;
            }
            return slotFreeAt.Count;
        }

        Allocation Location(LiveInterval it, int slots) =>
            it.Reg >= 0 ? Allocation.InReg(PReg.FromIndex(it.Reg))
            : it.Spilled ? Allocation.InStack(new SpillSlot(_slotOf[it.VReg.Index]))
            : throw new InvalidOperationException($"{it} was never allocated");

        Allocation LocationAt(VReg v, int pos, int slots)
        {
            var list = _pieces[v.Index] ?? throw new InvalidOperationException($"{v} has no interval");
            foreach (var it in list)
                if (it.Covers(pos)) return Location(it, slots);
            throw new InvalidOperationException($"{v} is not live at position {pos}");
        }

        /// <summary>Emits a parallel move as ordinary moves: a move runs once no other pending move still reads its destination; cycles go through a scratch slot.</summary>
        static void Sequentialize(List<(Allocation From, Allocation To)> group, ProgPoint at, List<Edit> edits, ref int scratch, ref int slots)
        {
            if (group.Count == 0) return;
            if (group.Count == 1)
            {
                if (group[0].From != group[0].To) edits.Add(new Edit(at, group[0].From, group[0].To));
                return;
            }
            var pending = t_pending ??= new();
            pending.Clear();
            foreach (var m in group) if (m.From != m.To && !pending.Contains(m)) pending.Add(m);
            while (pending.Count > 0)
            {
                int ready = -1;
                for (int k = 0; k < pending.Count && ready < 0; k++)
                {
                    ready = k;
                    foreach (var o in pending)
                        if (o.From == pending[k].To) { ready = -1; break; }
                }
                if (ready >= 0)
                {
                    edits.Add(new Edit(at, pending[ready].From, pending[ready].To));
                    pending.RemoveAt(ready);
                    continue;
                }
                // A cycle: save one destination in the scratch slot and read it from there.
                if (scratch < 0) scratch = slots++;
                var temp = Allocation.InStack(new SpillSlot(scratch));
                var blocked = pending[0].To;
                edits.Add(new Edit(at, blocked, temp));
                for (int k = 0; k < pending.Count; k++)
                    if (pending[k].From == blocked) pending[k] = (temp, pending[k].To);
            }
        }
    }
}
