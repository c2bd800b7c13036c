using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// Gives every block its own copy of each constant it uses from another block (`iconst`, `fconst`), placed just
/// before the first instruction that uses it there, so that no constant is live across blocks.
/// <para>
/// Why: value numbering merges equal constants into one definition that dominates all their uses, and licm
/// leaves constants where they are; a 64-bit or float constant then holds a register (or a spill slot) from its
/// first use to its last, across loops and calls. Materializing a constant costs one instruction without inputs
/// (`mov r, imm`, or a load from the constant pool for floats), which is never dearer than a reload from a spill
/// slot and lets the allocator keep its registers for values that are really live. Constants the instruction
/// selector folds into immediates cost nothing either way. Cranelift rematerializes constants at their uses for
/// the same reason.
/// </para>
/// Invariants: runs after the last value numbering (which would merge the copies again) and before dce (which
/// removes originals left without uses); it adds only constant instructions, each in a block where its value is
/// used; uses in the defining block keep the original.
/// </summary>
public sealed class ConstantRematerialization : IPass
{
    public string Name => "remat";

    // The copy of constant value v in the current block: _copy[v] is valid when _stamp[v] == _block + 1.
    Value[] _copy = [];
    int[] _stamp = [];

    public bool Run(Function f)
    {
        if (_stamp.Length < f.ValueCount) Grow(f.ValueCount);
        Array.Clear(_stamp);

        bool changed = false;
        foreach (var b in f.Blocks)
            foreach (var i in f.InstsOf(b))
            {
                // Operand lists are re-read after each copy: creating an instruction may move the value pool.
                for (int k = 0; k < f.Args(i).Length; k++)
                    if (CopyFor(f, b, i, f.Args(i)[k]) is { } c) { f.ArgsMut(i)[k] = c; changed = true; }
                int targets = f.TargetCount(i);
                for (int t = 0; t < targets; t++)
                    for (int k = 0; k < f.TargetArgs(i, t).Length; k++)
                        if (CopyFor(f, b, i, f.TargetArgs(i, t)[k]) is { } c) { f.TargetArgsMut(i, t)[k] = c; changed = true; }
            }
        return changed;
    }

    /// <summary>The copy in block <paramref name="b"/> (made before <paramref name="user"/> if it is the first use
    /// there) of <paramref name="use"/> when that is a constant defined in another block; else null.</summary>
    Value? CopyFor(Function f, Block b, Inst user, Value use)
    {
        var v = f.Resolve(use);
        var def = f.DefiningInst(v);
        if (!def.IsValid) return null;
        var op = f.OpOf(def);
        if (op is not (Op.Iconst or Op.Fconst) || f.BlockOf(def) == b) return null;
        int stamp = b.Index + 1;
        if (_stamp[v.Index] != stamp)
        {
            var (type, code, @ref, imm) = (f[def].Type, f[def].Code, f[def].Ref, f[def].Imm);
            var copy = f.CreateInst(op, type, [], code, @ref, imm);
            f.InsertInstBefore(copy, user);
            var cv = f.Result(copy);
            if (cv.Index >= _stamp.Length) Grow(cv.Index + 1);
            _copy[v.Index] = cv;
            _stamp[v.Index] = stamp;
        }
        return _copy[v.Index];
    }

    void Grow(int size)
    {
        Array.Resize(ref _copy, size * 2);
        Array.Resize(ref _stamp, size * 2);
    }
}
