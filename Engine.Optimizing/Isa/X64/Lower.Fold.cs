using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Isa.X64;

// Folding memory accesses into the instructions that use them:
//
// - Load folding: a full-width `load` used once, by the instruction being lowered (_cur) in the same block, becomes
//   that instruction's memory operand (`add r, [m]`, `cmp r, [m]`, `addsd x, [m]`, ...) and is not emitted. The load
//   then executes at _cur instead of where it stood, so nothing between the two may change what it reads or what
//   happens first: no store or call in between, and for a load that may itself fault (a guarded heap access, the
//   `trap` flag) nothing with a side effect at all (trap, store, call, another faulting access). The folded
//   instruction takes over the load's MemoryOutOfBounds trap site (FlagLinearMemory) and, for a faulting load,
//   its wasm offset (so a fault reports the load, as it would have unfolded); for that reason a faulting load is
//   never folded into an instruction that has a trap of its own (conditional traps, bounds checks).
// - Shared addresses: an `iadd` whose every use is the address of a load or store in its own block is folded into
//   each of them (`[base + index*scale]`), not computed once into a register: x86 address modes are free, and the
//   register (and often a spill) is saved. The first user lowered (the last in program order: lowering is bottom-up)
//   decomposes the iadd and counts the absorption of its operands; the others replay the same decomposition
//   without counting, so each IR use is counted exactly once (see IsSkipped).
public sealed partial class Lower
{
    /// <summary>The IR instruction being lowered: where a folded load executes.</summary>
    Inst _cur;

    // Per IR value: how many of its uses are as the address of a load or store in the block that defines it.
    int[] _addrUses = new int[256];

    /// <summary>Multi-use address iadds decomposed by their first user (by iadd instruction index).</summary>
    readonly Dictionary<int, SharedAddress> _sharedAddresses = new();

    readonly record struct SharedAddress(Value Base, Value Index, int Scale);

    /// <summary>How far (in IR instructions) a load may be moved down to the instruction that folds it.</summary>
    const int MaxFoldDistance = 24;

    /// <summary>
    /// Prepare's part: counts address uses (load/store address operands) of iadds in their own block. An access whose
    /// offset needs the disp32 fallback of AddAddress does not count: it could not share the decomposition.
    /// </summary>
    void CountAddressUse(Block b, Inst i)
    {
        if (_f[i].Imm > int.MaxValue) return;
        var a = _f.Resolve(_f.Arg(i, 0));
        var def = _f.DefiningInst(a);
        if (def.IsValid && _f.OpOf(def) == Op.Iadd && _f.BlockOf(def) == b) _addrUses[a.Index]++;
    }

    /// <summary>
    /// An address <c>iadd x, y</c> (no constant operand) used only as the address of several loads and stores of this
    /// block: folded into this one as <c>[x + y*scale + offset]</c> (see the file comment).
    /// </summary>
    bool TryShareAddress(ref MInst mi, Value addr)
    {
        int v = addr.Index;
        if (_uses[v] < 2 || _addrUses[v] != _uses[v]) return false;
        var def = _f.DefiningInst(addr);
        if (_f.BlockOf(def) != _block) return false;
        bool first = !_sharedAddresses.TryGetValue(def.Index, out var parts);
        if (first)
        {
            Value x = _f.Resolve(_f.Arg(def, 0)), y = _f.Resolve(_f.Arg(def, 1));
            if (IsConst(x, out _) || IsConst(y, out _)) return false;
            if (y == _vmctx) (x, y) = (y, x);
            if (y == _vmctx) return false;
            int scale = 0;
            var sh = _f.DefiningInst(y);
            if (sh.IsValid && _f.OpOf(sh) == Op.Ishl && IsConst(_f.Arg(sh, 1), out long k) && k is >= 1 and <= 3
                && _f.Resolve(_f.Arg(sh, 0)) != _vmctx && TryAbsorb(y, Op.Ishl, out _))
            {
                _absorbed[_f.Resolve(_f.Arg(sh, 1)).Index]++;
                scale = (int)k;
                y = _f.Resolve(_f.Arg(sh, 0));
            }
            parts = new SharedAddress(x, y, scale);
            _sharedAddresses[def.Index] = parts;
        }
        _absorbed[v]++;
        if (parts.Base == _vmctx) mi.MemBase = MInst.Vmctx;
        else
        {
            mi.MemBase = (byte)_ops.Count;
            _ops.Add(Operand.Use(first ? Reg(parts.Base) : RegUncounted(parts.Base)));
        }
        mi.MemIndex = (byte)_ops.Count;
        mi.MemScaleLog2 = (byte)parts.Scale;
        _ops.Add(Operand.Use(first ? Reg(parts.Index) : RegUncounted(parts.Index)));
        return true;
    }

    /// <summary>Like <see cref="Reg"/>, for a use already counted: follows a <c>uextend</c> without counting it absorbed again.</summary>
    VReg RegUncounted(Value v)
    {
        v = _f.Resolve(v);
        var def = _f.DefiningInst(v);
        if (def.IsValid && _f.OpOf(def) == Op.Uextend) return RegUncounted(_f.Arg(def, 0));
        return v == _vmctx ? Reg(v) : VOf(v);
    }

    /// <summary>True when <paramref name="v"/> is a load that <see cref="TryFoldLoad"/> would fold (nothing is absorbed).</summary>
    bool CanFoldLoad(Value v, bool intoTrappingInst = false)
    {
        v = _f.Resolve(v);
        var def = _f.DefiningInst(v);
        if (!def.IsValid || _f.OpOf(def) != Op.Load || _f.BlockOf(def) != _block) return false;
        if (_uses[v.Index] != 1 || _absorbed[v.Index] != 0) return false;
        bool faulting = _f.IsTrappingAccess(def);
        if (faulting && intoTrappingInst) return false;
        int n = 0;
        for (var k = _f.NextInst(def); k != _cur; k = _f.NextInst(k))
        {
            if (!k.IsValid || ++n > MaxFoldDistance) return false;
            var op = _f.OpOf(k);
            if (op.IsStore() || op.IsCall()) return false;
            if (faulting && _f.HasSideEffects(k)) return false;
        }
        return true;
    }

    /// <summary>
    /// Folds the load defining <paramref name="v"/> (when <see cref="CanFoldLoad"/>) into <paramref name="mi"/>: its
    /// address becomes mi's memory operand (registers appended to <see cref="_ops"/>), its trap site mi's.
    /// </summary>
    bool TryFoldLoad(ref MInst mi, Value v, bool intoTrappingInst = false)
    {
        if (!CanFoldLoad(v, intoTrappingInst)) return false;
        v = _f.Resolve(v);
        var load = _f.DefiningInst(v);
        _absorbed[v.Index]++;
        ref readonly InstData d = ref _f[load];
        if (IsLinearMemory(d.Ref))
        {
            mi.Flags |= MInst.FlagLinearMemory;
            if (_f.IsTrappingAccess(load)) mi.Src = d.SourceOffset;
        }
        AddAddress(ref mi, _f.Arg(load, 0), d.Imm);
        return true;
    }
}
