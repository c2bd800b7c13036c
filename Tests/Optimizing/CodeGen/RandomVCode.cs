using Hoist.Optimizing.CodeGen;

namespace Hoist.Tests.Optimizing.CodeGen;

/// <summary>
/// Generates random valid VCode for the register allocator's tests: structured control flow (straight
/// code, diamonds whose merge block takes parameters, loops whose header takes parameters and whose latch
/// jumps back through an edge block), SSA values used only where their definition dominates, and
/// instructions with every kind of constraint: register and any uses, early defs, late uses, reuse
/// (two-address) defs, calls with fixed argument and result registers and clobbers, both register classes.
/// </summary>
sealed class RandomVCode
{
    public readonly record struct Inst(string Name);

    sealed class GenBlock
    {
        public readonly List<VReg> Params = new();
        public readonly List<(string Name, Operand[] Ops, PRegSet Clobbers)> Insts = new();
        public readonly List<GenBlock> Succs = new();
        public readonly List<VReg> Args = new();
    }

    public static readonly PReg[] IntArgs = [new(RegClass.Int, 7), new(RegClass.Int, 6), new(RegClass.Int, 2)];
    public static readonly PReg IntResult = new(RegClass.Int, 0), FloatResult = new(RegClass.Float, 0);
    public static readonly PRegSet CallClobbers = new PRegSet(0)
        .With(new(RegClass.Int, 0)).With(new(RegClass.Int, 1)).With(new(RegClass.Int, 2))
        .With(new(RegClass.Int, 6)).With(new(RegClass.Int, 7)).With(new(RegClass.Float, 0)).With(new(RegClass.Float, 1));

    readonly Random _rng;
    readonly List<GenBlock> _blocks = new();
    readonly List<RegClass> _classes = new();
    int _budget;

    RandomVCode(int seed, int size)
    {
        _rng = new Random(seed);
        _budget = size;
    }

    public static VCode<Inst> Generate(int seed, int size = 60) => new RandomVCode(seed, size).Build();

    VReg NewVReg(RegClass c)
    {
        _classes.Add(c);
        return new VReg(_classes.Count - 1);
    }

    GenBlock NewBlock()
    {
        var b = new GenBlock();
        _blocks.Add(b);
        return b;
    }

    VCode<Inst> Build()
    {
        var entry = NewBlock();
        var avail = new List<VReg>();
        var args = new List<Operand>();
        for (int k = 0; k < 2; k++)
        {
            var v = NewVReg(RegClass.Int);
            args.Add(Operand.FixedDef(v, IntArgs[k]));
            avail.Add(v);
        }
        var f = NewVReg(RegClass.Float);
        args.Add(Operand.FixedDef(f, new PReg(RegClass.Float, 0)));
        avail.Add(f);
        entry.Insts.Add(("args", args.ToArray(), default));
        var last = Region(entry, avail, depth: 0);
        var ret = Pick(avail, RegClass.Int);
        last.Insts.Add(("ret", [Operand.FixedUse(ret, IntResult)], default));

        var code = new VCode<Inst>(_blocks.Count);
        foreach (var c in _classes) code.NewVReg(c);
        for (int b = 0; b < _blocks.Count; b++)
        {
            var gb = _blocks[b];
            code.StartBlock(b, gb.Params.ToArray());
            foreach (var (name, ops, clobbers) in gb.Insts) code.Push(new Inst(name), ops, clobbers);
            code.EndBlock(gb.Succs.Select(s => _blocks.IndexOf(s)).ToArray(), gb.Args.ToArray());
        }
        return code;
    }

    VReg Pick(List<VReg> avail, RegClass c)
    {
        var candidates = avail.Where(v => _classes[v.Index] == c).ToList();
        return candidates[_rng.Next(candidates.Count)];
    }

    /// <summary>Fills code starting in <paramref name="block"/>; returns the block where control continues (open, no terminator).</summary>
    GenBlock Region(GenBlock block, List<VReg> avail, int depth)
    {
        while (_budget-- > 0)
        {
            int choice = _rng.Next(10);
            if (choice < 6 || depth > 3) Straight(block, avail);
            else if (choice < 8) block = Diamond(block, avail, depth);
            else block = Loop(block, avail, depth);
            if (_rng.Next(12) == 0) break;
        }
        return block;
    }

    void Straight(GenBlock block, List<VReg> avail)
    {
        int kind = _rng.Next(8);
        var c = _rng.Next(4) == 0 ? RegClass.Float : RegClass.Int;
        switch (kind)
        {
            case 0:
            {
                // A call: up to three integer arguments in fixed registers, a result, clobbers.
                var ops = new List<Operand>();
                int n = _rng.Next(4);
                for (int k = 0; k < n; k++) ops.Add(Operand.FixedUse(Pick(avail, RegClass.Int), IntArgs[k]));
                var r = NewVReg(c);
                ops.Add(Operand.FixedDef(r, c == RegClass.Int ? IntResult : FloatResult));
                block.Insts.Add(("call", ops.ToArray(), CallClobbers));
                avail.Add(r);
                break;
            }
            case 1:
            {
                // Two-address: the def reuses the first input's register.
                var a = Pick(avail, c);
                var b = Pick(avail, c);
                var d = NewVReg(c);
                block.Insts.Add(("op2", [Operand.Use(a), Operand.Use(b, _rng.Next(2) == 0 ? OperandConstraint.Any : OperandConstraint.Reg), Operand.ReuseDef(d, 0)], default));
                avail.Add(d);
                break;
            }
            case 2:
            {
                // An early def must not share with the inputs; a late use must not share with the outputs.
                var a = Pick(avail, c);
                var d = NewVReg(c);
                var e = NewVReg(c);
                block.Insts.Add(("early", [Operand.Use(a), Operand.EarlyDef(d), Operand.LateUse(Pick(avail, c)), Operand.Def(e)], default));
                avail.Add(d);
                avail.Add(e);
                break;
            }
            case 3:
            {
                // Division-like: fixed input in r0, results in r0 and r2.
                var a = Pick(avail, RegClass.Int);
                var b = Pick(avail, RegClass.Int);
                var q = NewVReg(RegClass.Int);
                var r = NewVReg(RegClass.Int);
                block.Insts.Add(("div", [Operand.FixedUse(a, IntResult), Operand.Use(b), Operand.FixedDef(q, IntResult), Operand.FixedDef(r, new PReg(RegClass.Int, 2))], default));
                avail.Add(q);
                avail.Add(r);
                break;
            }
            default:
            {
                var ops = new List<Operand>();
                int n = _rng.Next(4);
                for (int k = 0; k < n; k++) ops.Add(Operand.Use(Pick(avail, c), _rng.Next(3) == 0 ? OperandConstraint.Any : OperandConstraint.Reg));
                var d = NewVReg(c);
                ops.Add(Operand.Def(d));
                block.Insts.Add(("op", ops.ToArray(), default));
                avail.Add(d);
                break;
            }
        }
    }

    void Branch(GenBlock from, string name, VReg? cond, params GenBlock[] succs)
    {
        from.Insts.Add((name, cond is VReg c ? [Operand.Use(c)] : [], default));
        from.Succs.AddRange(succs);
    }

    GenBlock Diamond(GenBlock block, List<VReg> avail, int depth)
    {
        var left = NewBlock();
        var right = NewBlock();
        Branch(block, "brif", Pick(avail, RegClass.Int), left, right);
        var leftAvail = new List<VReg>(avail);
        var rightAvail = new List<VReg>(avail);
        var leftEnd = Region(left, leftAvail, depth + 1);
        var rightEnd = Region(right, rightAvail, depth + 1);
        var merge = NewBlock();
        int n = _rng.Next(3);
        for (int k = 0; k < n; k++)
        {
            var c = _rng.Next(3) == 0 ? RegClass.Float : RegClass.Int;
            var p = NewVReg(c);
            merge.Params.Add(p);
            leftEnd.Args.Add(Pick(leftAvail, c));
            rightEnd.Args.Add(Pick(rightAvail, c));
            avail.Add(p);
        }
        Branch(leftEnd, "jump", null, merge);
        Branch(rightEnd, "jump", null, merge);
        return merge;
    }

    GenBlock Loop(GenBlock block, List<VReg> avail, int depth)
    {
        var header = NewBlock();
        int n = 1 + _rng.Next(3);
        var inits = new List<VReg>();
        for (int k = 0; k < n; k++)
        {
            var c = _rng.Next(3) == 0 ? RegClass.Float : RegClass.Int;
            var p = NewVReg(c);
            header.Params.Add(p);
            block.Args.Add(Pick(avail, c));
        }
        Branch(block, "jump", null, header);
        avail.AddRange(header.Params);
        var latch = Region(header, avail, depth + 1);
        var back = NewBlock();
        var exit = NewBlock();
        Branch(latch, "brif", Pick(avail, RegClass.Int), back, exit);
        foreach (var p in header.Params) back.Args.Add(Pick(avail, _classes[p.Index]));
        Branch(back, "jump", null, header);
        return exit;
    }
}
