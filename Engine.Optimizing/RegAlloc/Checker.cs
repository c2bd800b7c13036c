using Hoist.Optimizing.CodeGen;

namespace Hoist.Optimizing.RegAlloc;

/// <summary>
/// Validates a register allocation by abstract interpretation of the allocated code, after regalloc2's
/// checker: for every register and spill slot it tracks the set of vregs whose value the location holds
/// on every path (a forward must-analysis over the CFG: sets meet by intersection), applying the inserted
/// moves, the instructions' clobbers and defs, and block-argument passing on jump edges. It then checks
/// that every operand's allocation satisfies its constraint, every use reads a location holding its vreg,
/// early defs do not overwrite inputs, late uses are not overwritten by outputs, and the defs of one
/// instruction go to distinct places. The allocator's output is trusted for nothing.
/// </summary>
public static class Checker
{
    const int SlotBase = 64;

    static int Loc(Allocation a) => a.Kind == AllocationKind.Reg ? a.Reg.Index : SlotBase + a.Slot.Index;

    /// <summary>The problems found (empty when the allocation is valid).</summary>
    public static List<string> Check<TInst>(VCode<TInst> code, RegAllocOutput alloc) where TInst : struct
    {
        var errors = new List<string>();
        if (alloc.Operands.Length != code.OperandCount) { errors.Add("the allocation does not cover every operand"); return errors; }
        if (alloc.BlockParams.Length != code.BlockCount) { errors.Add("the allocation does not cover every block"); return errors; }
        var edits = new Dictionary<int, List<Edit>>();
        foreach (var e in alloc.Edits)
        {
            if (!edits.TryGetValue(e.At.Order, out var list)) edits[e.At.Order] = list = new();
            list.Add(e);
        }

        var entry = new Dictionary<int, HashSet<int>>?[code.BlockCount];
        entry[0] = new();
        var work = new Queue<int>();
        work.Enqueue(0);
        var queued = new bool[code.BlockCount];
        queued[0] = true;
        // Fixpoint without reporting (early states hold more facts, so only the final ones decide).
        while (work.Count > 0)
        {
            int b = work.Dequeue();
            queued[b] = false;
            var state = Copy(entry[b]!);
            RunBlock(code, alloc, edits, b, state, null);
            foreach (int s in code.Successors(b))
            {
                var incoming = EdgeState(code, alloc, b, s, state, null);
                if (Meet(ref entry[s], incoming) && !queued[s])
                {
                    queued[s] = true;
                    work.Enqueue(s);
                }
            }
        }
        for (int b = 0; b < code.BlockCount; b++)
        {
            if (entry[b] is null) continue;
            var state = Copy(entry[b]!);
            RunBlock(code, alloc, edits, b, state, errors);
            foreach (int s in code.Successors(b)) EdgeState(code, alloc, b, s, state, errors);
        }
        return errors;
    }

    static Dictionary<int, HashSet<int>> Copy(Dictionary<int, HashSet<int>> s)
    {
        var c = new Dictionary<int, HashSet<int>>(s.Count);
        foreach (var (k, v) in s) c[k] = new HashSet<int>(v);
        return c;
    }

    /// <summary>Intersects <paramref name="incoming"/> into a block's entry state; true if it changed (or was unset).</summary>
    static bool Meet(ref Dictionary<int, HashSet<int>>? target, Dictionary<int, HashSet<int>> incoming)
    {
        if (target is null) { target = incoming; return true; }
        bool changed = false;
        foreach (var (loc, set) in target)
        {
            int before = set.Count;
            if (incoming.TryGetValue(loc, out var other)) set.IntersectWith(other); else set.Clear();
            changed |= set.Count != before;
        }
        return changed;
    }

    static void ApplyEdits(Dictionary<int, List<Edit>> edits, ProgPoint at, Dictionary<int, HashSet<int>> state, List<string>? errors)
    {
        if (!edits.TryGetValue(at.Order, out var list)) return;
        foreach (var e in list)
        {
            if (e.From.Kind == AllocationKind.None || e.To.Kind == AllocationKind.None) { errors?.Add($"{at}: a move with no location"); continue; }
            state[Loc(e.To)] = state.TryGetValue(Loc(e.From), out var held) ? new HashSet<int>(held) : new HashSet<int>();
        }
    }

    static void RunBlock<TInst>(VCode<TInst> code, RegAllocOutput alloc, Dictionary<int, List<Edit>> edits, int b,
        Dictionary<int, HashSet<int>> state, List<string>? errors) where TInst : struct
    {
        var (start, end) = code.InstRange(b);
        for (int i = start; i < end; i++)
        {
            ApplyEdits(edits, ProgPoint.Before(i), state, errors);
            var ops = code.Operands(i);
            int first = code.OperandStart(i);
            if (errors is not null) CheckInst(code, alloc, i, ops, first, state, errors);
            foreach (var r in code.Clobbers(i).Registers()) state.Remove(r.Index);
            for (int k = 0; k < ops.Length; k++)
            {
                if (ops[k].Kind != OperandKind.Def || alloc.Operands[first + k].Kind == AllocationKind.None) continue;
                state[Loc(alloc.Operands[first + k])] = [ops[k].VReg.Index];
            }
            ApplyEdits(edits, ProgPoint.AfterInst(i), state, errors);
        }
    }

    static void CheckInst<TInst>(VCode<TInst> code, RegAllocOutput alloc, int i, ReadOnlySpan<Operand> ops, int first,
        Dictionary<int, HashSet<int>> state, List<string> errors) where TInst : struct
    {
        var defLocs = new HashSet<int>();
        for (int k = 0; k < ops.Length; k++)
        {
            var op = ops[k];
            var a = alloc.Operands[first + k];
            string where = $"inst {i} operand {k} ({op})";
            if (a.Kind == AllocationKind.None) { errors.Add($"{where}: no allocation"); continue; }
            bool classOk = a.Kind != AllocationKind.Reg || a.Reg.Class == code.ClassOf(op.VReg);
            bool ok = op.Constraint switch
            {
                OperandConstraint.Reg => a.Kind == AllocationKind.Reg && classOk,
                OperandConstraint.Any => classOk,
                OperandConstraint.Stack => a.Kind == AllocationKind.Stack,
                OperandConstraint.FixedReg => a.Kind == AllocationKind.Reg && a.Reg == op.Fixed,
                _ => op.ReuseIndex < ops.Length && ops[op.ReuseIndex].Kind == OperandKind.Use && alloc.Operands[first + op.ReuseIndex] == a,
            };
            if (!ok) errors.Add($"{where}: allocated to {a}, which breaks its constraint");
            if (op.Kind == OperandKind.Use)
            {
                if (!state.TryGetValue(Loc(a), out var held) || !held.Contains(op.VReg.Index))
                    errors.Add($"{where}: {a} does not hold {op.VReg} here");
            }
            else if (!defLocs.Add(Loc(a))) errors.Add($"{where}: two defs of one instruction in {a}");
        }
        // Early defs are written before the inputs are read; late uses are read after the outputs are written.
        for (int k = 0; k < ops.Length; k++)
        {
            var op = ops[k];
            if (op.Kind != OperandKind.Def || op.Pos != OperandPos.Early) continue;
            for (int u = 0; u < ops.Length; u++)
                if (ops[u].Kind == OperandKind.Use && alloc.Operands[first + u] == alloc.Operands[first + k])
                    errors.Add($"inst {i} operand {k}: an early def shares {alloc.Operands[first + k]} with use {u}");
        }
        for (int u = 0; u < ops.Length; u++)
        {
            if (ops[u].Kind != OperandKind.Use || ops[u].Pos != OperandPos.Late) continue;
            var a = alloc.Operands[first + u];
            if (a.Kind == AllocationKind.Reg && code.Clobbers(i).Contains(a.Reg)) errors.Add($"inst {i} operand {u}: a late use in clobbered {a}");
            for (int k = 0; k < ops.Length; k++)
                if (ops[k].Kind == OperandKind.Def && alloc.Operands[first + k] == a)
                    errors.Add($"inst {i} operand {u}: a late use shares {a} with def {k}");
        }
    }

    /// <summary>The state entering <paramref name="s"/> from <paramref name="b"/>: block arguments become the parameters' values.</summary>
    static Dictionary<int, HashSet<int>> EdgeState<TInst>(VCode<TInst> code, RegAllocOutput alloc, int b, int s,
        Dictionary<int, HashSet<int>> state, List<string>? errors) where TInst : struct
    {
        var ps = code.BlockParams(s);
        var args = code.BranchArgs(b);
        var result = Copy(state);
        if (ps.Length == 0) return result;
        if (args.Length != ps.Length)
        {
            errors?.Add($"block {b} -> {s}: {args.Length} arguments for {ps.Length} parameters");
            return result;
        }
        var locs = alloc.BlockParams[s];
        for (int k = 0; k < ps.Length; k++)
        {
            if (locs is null || k >= locs.Length || locs[k].Kind == AllocationKind.None) { errors?.Add($"block {s}: parameter {k} has no location"); continue; }
            int loc = Loc(locs[k]);
            if (!state.TryGetValue(loc, out var held) || !held.Contains(args[k].Index))
                errors?.Add($"block {b} -> {s}: {locs[k]} does not hold argument {args[k]} for parameter {ps[k]}");
            if (!result.TryGetValue(loc, out var set)) result[loc] = set = new HashSet<int>();
            set.Add(ps[k].Index);
        }
        return result;
    }
}
