using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>Statements, blocks, loops, ifs and branches.</summary>
public sealed partial class BodyGenerator
{
    /// <summary>A node that leaves nothing.</summary>
    GNode Statement(int depth)
    {
        _budget--;
        int d = depth + 1;
        int k = _r.Next(100);
        GNode? node = k switch
        {
            < 20 => SetLocal(d),
            < 26 => SetGlobal(d),
            < 40 => _m.Memories.Count > 0 ? Store(d) : null,
            < 44 => new GOp(Opcode.Drop, [Expr(RandomType(), d)], []),
            < 53 => CallStatement(d),
            < 57 => CallIndirect(null, d) is { } ci ? Discard(ci) : null,
            < 59 => CallRef(RandomResults(), d) is { } cr ? Discard(cr) : null,
            < 72 => _nesting < _o.MaxBlockNesting ? Discard(Block(RandomResults(), d)) : null,
            < 77 => BrIfStatement(d),
            < 79 => Terminator([], d),
            < 86 => _m.Memories.Count > 0 ? BulkMemory(d) : null,
            < 93 => TableStatement(d),
            < 95 => _m.Memories.Count > 0 ? new GOp(Opcode.Drop, [MemoryGrow(_r.Next(_m.Memories.Count))], []) : null,
            < 96 => new GOp(Opcode.Nop, [], []),
            _ => _nesting < _o.MaxBlockNesting ? Discard(Block([], d)) : null,
        };
        return node ?? SetLocal(d);
    }

    ValType[] RandomResults() => _r.Next(10) switch
    {
        < 4 => [],
        < 8 => [RandomType()],
        _ => [RandomType(), RandomType()],
    };

    /// <summary>A statement consuming every result of <paramref name="node"/>: into locals, or dropped.</summary>
    GNode Discard(GNode node)
    {
        var results = node.Results;
        if (results.Length == 0) return node;
        if (results.Length == 1 && _r.Next(2) == 0) return new GOp(Opcode.Drop, [node], []);
        var locals = new int[results.Length];
        for (int i = 0; i < locals.Length; i++) locals[i] = _r.Next(3) == 0 ? -1 : LocalFor(results[i]);
        return new GUnpack(node, locals);
    }

    GNode SetLocal(int depth)
    {
        ValType t = RandomType();
        int local = LocalFor(t);
        return new GOp(Opcode.LocalSet, [Expr(_f.LocalType(local), depth)], [], new GImm { Index = local });
    }

    GNode? SetGlobal(int depth)
    {
        var mutable = Enumerable.Range(0, _m.Globals.Count).Where(i => i != _m.FuelGlobal && _m.Globals[i].Type.Mutable).ToList();
        if (mutable.Count == 0) return null;
        int g = Pick(mutable);
        return new GOp(Opcode.GlobalSet, [Expr(_m.Globals[g].Type.Type, depth)], [], new GImm { Index = g });
    }

    // ---- Blocks

    /// <summary>A block, loop or if that leaves <paramref name="results"/>; a quarter of them take parameters.</summary>
    GBlock Block(ValType[] results, int depth)
    {
        _nesting++;
        Opcode kind = _r.Next(100) switch { < 40 => Opcode.Block, < 65 => Opcode.Loop, _ => Opcode.If };
        ValType[] ps = _r.Next(4) == 0 ? (_r.Next(3) == 0 ? [.. results] : [RandomNumericType()]) : [];
        int typeIndex = ps.Length > 0 || results.Length > 1 ? _m.TypeIndex(ps, results) : -1;
        var b = new GBlock(kind, ps, results, typeIndex);
        b.Inputs.AddRange(Values(ps, depth));
        if (kind == Opcode.If) b.Inputs.Add(Condition(depth));
        _labels.Add(b);
        FillBody(b, b.Body, depth);
        if (kind == Opcode.If && !(ps.AsSpan().SequenceEqual(results) && _r.Next(4) == 0))
        {
            b.Else = [];
            FillBody(b, b.Else, depth);
        }
        _labels.RemoveAt(_labels.Count - 1);
        _nesting--;
        return b;
    }

    /// <summary>
    /// A block's statements: a loop's fuel check first; then the parameters are stored or dropped (or, when they
    /// equal the results, left on the stack as the results); statements; for a loop, often a counted back edge;
    /// then the results.
    /// </summary>
    void FillBody(GBlock b, List<GNode> body, int depth)
    {
        if (b.Kind == Opcode.Loop) body.Add(new GFuelCheck());
        bool passThrough = b.Params.Length > 0 && b.Params.AsSpan().SequenceEqual(b.Results) && _r.Next(3) == 0;
        if (!passThrough)
        {
            for (int i = b.Params.Length - 1; i >= 0; i--)
            {
                var stacked = new GStacked(b.Params[i]);
                body.Add(_r.Next(3) == 0
                    ? new GOp(Opcode.Drop, [stacked], [])
                    : new GOp(Opcode.LocalSet, [stacked], [], new GImm { Index = LocalFor(b.Params[i]) }));
            }
        }
        int statements = _r.Next(1 + Math.Min(5, Math.Max(0, _budget) / 6));
        for (int i = 0; i < statements && _budget > 0; i++) body.Add(Statement(depth));
        if (b.Kind == Opcode.Loop && _r.Next(2) == 0) body.Add(Discard(CountedBackEdge(b, depth)));
        if (passThrough) foreach (var p in b.Params) body.Add(new GStacked(p));
        else body.AddRange(Values(b.Results, depth));
    }

    /// <summary><c>br_if $loop (params) (i32.lt_u (local.tee $c (i32.add (local.get $c) (i32.const 1))) (i32.const N))</c>.</summary>
    GOp CountedBackEdge(GBlock loop, int depth)
    {
        int counter = NewLocal(ValType.I32);
        var next = new GOp(Opcode.I32Add, [Get(counter), new GConst(ValType.I32, 1)], [ValType.I32]);
        var tee = new GOp(Opcode.LocalTee, [next], [ValType.I32], new GImm { Index = counter });
        var cond = new GOp(Opcode.I32LtU, [tee, new GConst(ValType.I32, (ulong)(1 + _r.Next(12)))], [ValType.I32]);
        var args = Values(loop.Params, depth);
        args.Add(cond);
        return new GOp(Opcode.BrIf, args, loop.Params, new GImm { Target = loop });
    }

    /// <summary>An i32 condition: usually a comparison, sometimes any i32.</summary>
    GNode Condition(int depth)
    {
        if (_r.Next(3) == 0) return Expr(ValType.I32, depth);
        var compares = OperatorCatalog.Producers(ValKind.I32).ToArray()
            .Where(op => op.Mnemonic().EndsWith("eqz", StringComparison.Ordinal) || op.Params().Length == 2 && op.Params()[0] == op.Params()[1] && IsComparison(op)).ToList();
        Opcode c = Pick(compares);
        var args = new List<GNode>();
        foreach (var p in c.Params()) args.Add(Expr(OperatorCatalog.ToValType(p, ValType.I32), depth));
        return new GOp(c, args, [ValType.I32]);
    }

    static bool IsComparison(Opcode op)
    {
        string m = op.Mnemonic();
        int dot = m.IndexOf('.');
        return m[(dot + 1)..] is "eq" or "ne" or "lt_s" or "lt_u" or "gt_s" or "gt_u" or "le_s" or "le_u" or "ge_s" or "ge_u" or "lt" or "gt" or "le" or "ge";
    }

    // ---- Branches

    ValType[] LabelTypes(object label) => label is GBlock b ? b.LabelTypes : _f.Type.Results;

    /// <summary>
    /// The labels a random branch may take: all of them, except that careful code leaves out loops (a branch back
    /// on an arbitrary condition usually spins until the fuel runs out; counted back edges still loop).
    /// </summary>
    List<object> BranchTargets() =>
        _careful ? _labels.Where(l => l is not GBlock { Kind: Opcode.Loop }).ToList() : _labels;

    GNode? BrIfValue(ValType t, int depth)
    {
        var labels = BranchTargets().Where(l => LabelTypes(l) is [var only] && only == t).ToList();
        if (labels.Count == 0) return null;
        var label = Pick(labels);
        return new GOp(Opcode.BrIf, [Expr(t, depth), Condition(depth)], [t], new GImm { Target = label });
    }

    GNode BrIfStatement(int depth)
    {
        var label = Pick(BranchTargets());
        var types = LabelTypes(label);
        var args = Values(types, depth);
        args.Add(Condition(depth));
        return Discard(new GOp(Opcode.BrIf, args, types, new GImm { Target = label }));
    }

    /// <summary>
    /// An instruction after which nothing runs — unreachable, br, br_table, return, or a tail call — given the
    /// <paramref name="results"/> its context wants (its type is polymorphic).
    /// </summary>
    GNode Terminator(ValType[] results, int depth)
    {
        if (Risky(15)) return new GOp(Opcode.Unreachable, [], results);
        int k = 15 + _r.Next(85);
        if (k < 45)
        {
            var label = Pick(BranchTargets());
            return new GOp(Opcode.Br, Values(LabelTypes(label), depth), results, new GImm { Target = label });
        }
        if (k < 65) return BrTable(results, depth);
        if (k < 75 || !_o.TailCalls) return new GOp(Opcode.Return, Values(_f.Type.Results, depth), results);
        return TailCall(results, depth) ?? new GOp(Opcode.Return, Values(_f.Type.Results, depth), results);
    }

    GNode BrTable(ValType[] results, int depth)
    {
        var targets0 = BranchTargets();
        var target = Pick(targets0);
        var types = LabelTypes(target);
        var same = targets0.Where(l => LabelTypes(l).AsSpan().SequenceEqual(types)).ToList();
        var targets = new object[_r.Next(10) == 0 ? _r.Next(40) : _r.Next(5)];
        for (int i = 0; i < targets.Length; i++) targets[i] = Pick(same);
        var args = Values(types, depth);
        // The index: mostly one of the labels or just past them (the default), sometimes anything.
        args.Add(_r.Next(4) == 0 ? Expr(ValType.I32, depth) : new GConst(ValType.I32, (ulong)_r.Next(targets.Length + 2)));
        return new GOp(Opcode.BrTable, args, results, new GImm { Target = target, Targets = targets });
    }
}
