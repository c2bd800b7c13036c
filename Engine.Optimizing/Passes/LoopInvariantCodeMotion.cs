using Hoist.Optimizing.Analysis;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Loop-invariant code motion. An instruction of a loop whose operands are all defined outside the loop
/// moves to the end of the loop's preheader, out of as many nested loops as allow it:
/// <list type="bullet">
/// <item>pure instructions (they cannot trap, so running one where the loop body would not is harmless);</item>
/// <item><c>movable</c> loads (always dereferenceable) whose region nothing in the loop writes
///   (<see cref="RegionMask"/>: stores to it, calls);</item>
/// <item>instructions that only trap or compute (bounds checks, conditional traps, divisions, trapping
///   conversions), out of the innermost loop only, and only from the loop header before any instruction with
///   a side effect: the header runs whenever the preheader does, and with invariant operands the check
///   fails on the first iteration if ever, at the same point, since nothing observable happens before it;</item>
/// <item>likewise other loads (linear memory, trap-flagged ones included: those are their own check) from the
///   header before any side effect, when the loop does not write their region: the checks guarding such a
///   load dominate the header or stood before it in the header (and so have left before it), so it stays guarded.</item>
/// </list>
/// Constants an instruction needs move along with it. A preheader is the one predecessor of the header from
/// outside the loop, when it ends with a jump; a loop without one keeps its code (no block is created).
/// Blocks are visited in reverse post-order, so an operand is hoisted before its users are considered.
/// </summary>
public sealed class LoopInvariantCodeMotion : IPass, IUsesAnalyses
{
    public string Name => "licm";

    readonly FunctionAnalyses _analyses;
    readonly bool _shared;
    FunctionAnalyses? IUsesAnalyses.Shared => _shared ? _analyses : null;
    ControlFlowGraph _cfg => _analyses.Cfg;
    DominatorTree _dom => _analyses.Dom;

    /// <summary>A pass using <paramref name="analyses"/> when a pipeline shares them (see <see cref="FunctionAnalyses"/>).</summary>
    public LoopInvariantCodeMotion(FunctionAnalyses? analyses = null)
    {
        _shared = analyses is not null;
        _analyses = analyses ?? new FunctionAnalyses();
    }
    LoopNest _loops => _analyses.Loops;
    ulong[] _loopWrites = [];

    /// <summary>Statistics over every run of this instance: loops seen, loops without a preheader, instructions hoisted (trap-only ones among them).</summary>
    public (int Loops, int WithoutPreheader, int Hoisted, int TrapsHoisted) Stats { get; private set; }
    Block[] _preheader = [];

    public bool Run(Function f)
    {
        _analyses.ComputeLoops(f, _shared);
        int n = _loops.Count;
        if (n == 0) return false;
        if (_loopWrites.Length < n) { _loopWrites = new ulong[Math.Max(n, 2 * _loopWrites.Length)]; _preheader = new Block[_loopWrites.Length]; }
        Array.Clear(_loopWrites, 0, n);
        foreach (var b in _dom.ReversePostOrder)
        {
            int l = _loops.InnermostLoop(b);
            if (l >= 0) _loopWrites[l] |= RegionMask.Writes(f, b);
        }
        for (int l = n - 1; l >= 0; l--)
        {
            if (_loops.Parent(l) >= 0) _loopWrites[_loops.Parent(l)] |= _loopWrites[l];
            _preheader[l] = FindPreheader(f, _loops.Header(l));
            if (!_preheader[l].IsValid) Stats = Stats with { WithoutPreheader = Stats.WithoutPreheader + 1 };
        }
        Stats = Stats with { Loops = Stats.Loops + n };

        bool changed = false;
        foreach (var b in _dom.ReversePostOrder)
        {
            int l = _loops.InnermostLoop(b);
            if (l < 0) continue;
            bool effectBefore = _loops.Header(l) != b;
            foreach (var i in f.InstsOf(b))
            {
                if (Hoist(f, i, l, !effectBefore))
                {
                    changed = true;
                    Stats = Stats with { Hoisted = Stats.Hoisted + 1 };
                    continue;
                }
                if (f.HasSideEffects(i)) effectBefore = true; // a guarded heap load may trap too (InstEffects)
            }
        }
        return changed;
    }

    Block FindPreheader(Function f, Block header)
    {
        var found = Block.None;
        foreach (var p in _cfg.Predecessors(header))
        {
            if (_dom.Dominates(header, p)) continue;
            if (found.IsValid) return Block.None;
            found = p;
        }
        if (!found.IsValid) return Block.None;
        var term = f.Terminator(found);
        return term.IsValid && f.OpOf(term) == Op.Jump ? found : Block.None;
    }

    /// <summary>Moves <paramref name="i"/> out of the loops it is invariant in; <paramref name="atHeaderStart"/>: nothing with an effect precedes it in its loop's header.</summary>
    bool Hoist(Function f, Inst i, int loop, bool atHeaderStart)
    {
        ref readonly InstData d = ref f[i];
        Op op = d.Op;
        // Guarded: may only run where it ran before (a trap-only instruction, or a load its checks guard).
        bool guarded = false, trapOnly = false;
        if (op is Op.Iconst or Op.Fconst) return false; // moved only with a user
        if (op.IsLoad())
        {
            // Only `movable` loads (always dereferenceable) move freely. A trap-flagged access (guarded memory) is its
            // own bounds check, and a const-region load that is not movable (a VMFuncRef's fields) may sit below the
            // null check that guards it: those move only as checks do.
            var flags = (MemFlags)d.Code;
            bool movable = (flags & MemFlags.Trap) == 0 && (flags & MemFlags.Movable) != 0;
            if (!movable)
            {
                // A memory load at the start of the header: whatever check guards it dominates the header or
                // stood before it in the header and has left already, so it is guarded in the preheader too.
                if (!atHeaderStart) return false;
                guarded = true;
            }
        }
        else if (!op.IsPure())
        {
            // Trap-only instructions (the table's `trap` flag without a call or terminator).
            if ((op.Flags() & (OpFlags.Trap | OpFlags.Call | OpFlags.Terminator)) != OpFlags.Trap || !atHeaderStart) return false;
            trapOnly = guarded = true;
        }
        var args = f.ArgsMut(i);
        for (int k = 0; k < args.Length; k++) args[k] = f.Resolve(args[k]);

        int target = -1;
        for (int m = loop; m >= 0; m = _loops.Parent(m))
        {
            if (!_preheader[m].IsValid || !OperandsAvailableOutside(f, i, m)) break;
            if (op.IsLoad() && RegionMask.MayWrite(_loopWrites[m], new AliasRegion(d.Ref))) break;
            target = m;
            if (guarded) break;
        }
        if (target < 0) return false;
        var before = f.Terminator(_preheader[target]);
        foreach (var a in f.Args(i))
        {
            var def = f.DefiningInst(a);
            if (def.IsValid && _loops.Contains(target, f.BlockOf(def)))
            {
                f.RemoveInst(def); // a constant (OperandsAvailableOutside allowed nothing else)
                f.InsertInstBefore(def, before);
            }
        }
        f.RemoveInst(i);
        f.InsertInstBefore(i, before);
        if (trapOnly) Stats = Stats with { TrapsHoisted = Stats.TrapsHoisted + 1 };
        return true;
    }

    /// <summary>True when every operand is defined outside loop <paramref name="m"/>, or is a constant that can follow.</summary>
    bool OperandsAvailableOutside(Function f, Inst i, int m)
    {
        foreach (var a in f.Args(i))
        {
            ref readonly ValueData vd = ref f.ValueInfo(a);
            Block defBlock;
            if (vd.Kind == ValueKind.Param) defBlock = new Block(vd.Owner);
            else
            {
                var def = new Inst(vd.Owner);
                defBlock = f.BlockOf(def);
                if (f.OpOf(def) is Op.Iconst or Op.Fconst) continue;
            }
            if (_loops.Contains(m, defBlock)) return false;
        }
        return true;
    }
}
