using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Writes one function body as a tree of <see cref="GNode"/>s, typed by construction: every request is "a node
/// that leaves a value of type T" (<see cref="Expr"/>), "nodes that leave these types" (<see cref="Values"/>) or
/// "a node that leaves nothing" (<see cref="Statement"/>), so the result validates without a type checker.
/// This file holds the entry point, leaves, arithmetic and the helpers; the partial files hold control flow,
/// calls, memory and tables.
/// </summary>
/// <remarks>
/// Size is bounded by a budget of nodes and by the expression depth and block nesting of
/// <see cref="GeneratorOptions"/>; past them only leaves are made. NaNs are left to
/// <see cref="NanCanonicalizer"/>, which runs on the whole module afterwards. Trapping operators get trap-free operands most of the time (a nonzero divisor, a float in
/// range for a truncation, an address inside memory), so that most calls run long enough to do something and
/// some trap, of every kind.
/// </remarks>
public sealed partial class BodyGenerator
{
    readonly Random _r;
    readonly GModule _m;
    readonly GeneratorOptions _o;
    readonly GFunc _f;
    /// <summary>The branch targets in scope: the function, then each enclosing block, innermost last.</summary>
    readonly List<object> _labels = [];
    int _budget;
    int _nesting;
    readonly bool _careful;

    /// <param name="careful">Make trapping choices (an address out of bounds, a null reference, a mismatched
    /// call_indirect, unreachable...) ten times rarer, so that calls run to the end more often.</param>
    public BodyGenerator(Random random, GModule module, GeneratorOptions options, GFunc function, bool careful)
    {
        _r = random;
        _m = module;
        _o = options;
        _f = function;
        _careful = careful;
    }

    /// <summary>True with probability <paramref name="percent"/>% (a tenth of it when careful): for choices that make code trap.</summary>
    bool Risky(int percent) => _r.Next(_careful ? 1000 : 100) < percent;

    public void Generate()
    {
        if (_f.Kind == GFuncKind.Overflow)
        {
            // i64.add(call self (i64.add (local.get 0) (i64.const 1)), local.get 0): no fuel check, no side effect.
            var next = new GOp(Opcode.I64Add, [Get(0), new GConst(ValType.I64, 1)], [ValType.I64]);
            var call = new GOp(Opcode.Call, [next], [ValType.I64], new GImm { Target = _f });
            _f.Body.Add(new GOp(Opcode.I64Add, [call, Get(0)], [ValType.I64]));
            return;
        }
        _budget = 8 + _r.Next(_o.MaxBodySize);
        _labels.Add(_f);
        _f.Body.Add(new GFuelCheck());
        int statements = _r.Next(2 + _budget / 10);
        for (int i = 0; i < statements && _budget > 0; i++) _f.Body.Add(Statement(0));
        _f.Body.AddRange(Values(_f.Type.Results, 0));
    }

    GOp Get(int local) => new(Opcode.LocalGet, [], [_f.LocalType(local)], new GImm { Index = local });

    // ---- Types

    /// <summary>Whether a value of type <paramref name="a"/> may stand where <paramref name="b"/> is expected (the subtyping the generator uses).</summary>
    public static bool IsSubtype(ValType a, ValType b)
    {
        if (a == b) return true;
        if (!a.IsRef || !b.IsRef || (a.Nullable && !b.Nullable)) return false;
        return a.Heap == b.Heap || (a.Heap.IsConcrete && b.Heap == HeapType.Func);
    }

    /// <summary>Whether a reference to function <paramref name="f"/> has type <paramref name="t"/>.</summary>
    public static bool FuncFits(GFunc f, ValType t) =>
        t.IsRef && IsSubtype(ValType.Ref(HeapType.Concrete((uint)f.TypeIndex), nullable: false), t);

    ValType RandomType()
    {
        int k = _r.Next(100);
        return k switch
        {
            < 32 => ValType.I32,
            < 56 => ValType.I64,
            < 71 => ValType.F32,
            < 86 => ValType.F64,
            < 93 => ValType.FuncRef,
            < 96 => ValType.ExternRef,
            _ => TypedRef() ?? ValType.FuncRef,
        };
    }

    ValType RandomNumericType() => _r.Next(4) switch { 0 => ValType.I32, 1 => ValType.I64, 2 => ValType.F32, _ => ValType.F64 };

    ValType? TypedRef()
    {
        if (!_o.TypedFunctionReferences) return null;
        var candidates = _m.Funcs.Where(f => f.Kind == GFuncKind.Normal).ToList();
        if (candidates.Count == 0) return null;
        return ValType.Ref(HeapType.Concrete((uint)candidates[_r.Next(candidates.Count)].TypeIndex), nullable: _r.Next(2) == 0);
    }

    IEnumerable<GFunc> Callable => _m.Funcs.Where(f => f.Kind == GFuncKind.Normal);

    /// <summary>The functions a direct call may name: careful code calls only later functions, so it never recurses (and rarely runs out of fuel).</summary>
    IEnumerable<GFunc> Callees
    {
        get
        {
            int self = _m.Funcs.IndexOf(_f);
            return _careful ? Callable.Where(f => _m.Funcs.IndexOf(f) > self) : Callable;
        }
    }

    T Pick<T>(IReadOnlyList<T> items) => items[_r.Next(items.Count)];

    // ---- Locals

    /// <summary>A local a value of type <paramref name="t"/> can be stored in; made when there is none (references get a nullable local).</summary>
    int LocalFor(ValType t)
    {
        var fitting = Locals.Where(i => IsSubtype(t, _f.LocalType(i))).ToList();
        if (fitting.Count > 0 && (_r.Next(4) != 0 || _f.Locals.Count >= _o.MaxLocals)) return Pick(fitting);
        return NewLocal(t.IsRef ? t with { Nullable = true } : t);
    }

    /// <summary>
    /// The locals code may read and write: all but the scratch locals of <see cref="GCanon"/>, which hold raw
    /// arithmetic results whose NaN bits the spec leaves open (reading one would make the run nondeterministic).
    /// </summary>
    IEnumerable<int> Locals => Enumerable.Range(0, _f.LocalCount).Where(i => i != _f.ScratchF32 && i != _f.ScratchF64);

    int NewLocal(ValType t)
    {
        _f.Locals.Add(t);
        return _f.LocalCount - 1;
    }

    // ---- Values

    /// <summary>Nodes that together leave <paramref name="types"/>: one multi-value node, or one node per type.</summary>
    List<GNode> Values(ValType[] types, int depth)
    {
        if (types.Length >= 2 && _r.Next(4) == 0 && depth < _o.MaxExpressionDepth && _budget > 0)
        {
            var callees = Callees.Where(f => f.Type.Results.AsSpan().SequenceEqual(types)).ToList();
            if (callees.Count > 0 && _r.Next(2) == 0) return [Call(Pick(callees), depth)];
            if (_nesting < _o.MaxBlockNesting) return [Block(types, depth)];
        }
        var nodes = new List<GNode>(types.Length);
        foreach (var t in types) nodes.Add(Expr(t, depth));
        return nodes;
    }

    /// <summary>A node that leaves one value of type <paramref name="t"/> (or of a subtype).</summary>
    GNode Expr(ValType t, int depth)
    {
        _budget--;
        if (depth >= _o.MaxExpressionDepth || _budget <= 0) return Leaf(t);
        int d = depth + 1;
        if (t.IsRef) return RefExpr(t, d);
        int k = _r.Next(100);
        GNode? node = k switch
        {
            < 16 => Leaf(t),
            < 48 => null,   // arithmetic, below
            < 56 => _m.Memories.Count > 0 ? Load(t, d) : null,
            < 60 => Tee(t, d),
            < 68 => _nesting < _o.MaxBlockNesting ? Block([t], d) : null,
            < 74 => CallExpr(t, d),
            < 77 => CallIndirect([t], d),
            < 79 => CallRef([t], d),
            < 83 => Select(t, d),
            < 86 => BrIfValue(t, d),
            < 88 => Terminator([t], d),
            < 93 => SizeOrGrow(t, d),
            < 96 => t.Kind == ValKind.I32 ? RefIsNull(d) : null,
            _ => null,
        };
        return node ?? Arithmetic(t, d);
    }

    GNode Leaf(ValType t)
    {
        int k = _r.Next(100);
        if (t.IsRef) return RefLeaf(t);
        if (k < 25)
        {
            var locals = Locals.Where(i => IsSubtype(_f.LocalType(i), t)).ToList();
            if (locals.Count > 0) return Get(Pick(locals));
        }
        else if (k < 35 && GlobalOf(t) is int g)
        {
            return new GOp(Opcode.GlobalGet, [], [_m.Globals[g].Type.Type], new GImm { Index = g });
        }
        return new GConst(t, EdgeValues.Draw(_r, t));
    }

    int? GlobalOf(ValType t, bool mutableOnly = false)
    {
        var globals = Enumerable.Range(0, _m.Globals.Count)
            .Where(i => i != _m.FuelGlobal && IsSubtype(_m.Globals[i].Type.Type, t) && (!mutableOnly || _m.Globals[i].Type.Mutable)).ToList();
        return globals.Count > 0 ? Pick(globals) : null;
    }

    GNode Arithmetic(ValType t, int depth)
    {
        var ops = OperatorCatalog.Producers(t.Kind);
        Opcode op = ops[_r.Next(ops.Length)];
        var ps = op.Params();
        var args = new List<GNode>(ps.Length);
        for (int i = 0; i < ps.Length; i++)
        {
            ValType pt = OperatorCatalog.ToValType(ps[i], ValType.I32);
            args.Add(TrapFreeOperand(op, i, pt) ?? Expr(pt, depth));
        }
        return new GOp(op, args, [t]);
    }

    /// <summary>
    /// Most of the time, an operand that keeps a trapping operator from trapping: a nonzero divisor, a float
    /// within range for a truncation. Null: generate the operand freely.
    /// </summary>
    GNode? TrapFreeOperand(Opcode op, int index, ValType type)
    {
        string m = op.Mnemonic();
        bool division = index == 1 && (m.Contains(".div_", StringComparison.Ordinal) || m.Contains(".rem_", StringComparison.Ordinal)) && !type.Kind.IsFloat();
        bool truncation = m.Contains(".trunc_f", StringComparison.Ordinal) && !m.Contains("_sat_", StringComparison.Ordinal);
        if ((!division && !truncation) || Risky(30)) return null;
        if (division)
        {
            ulong bits;
            // Neither zero nor -1 (which overflows a signed division of the minimum).
            do bits = EdgeValues.Draw(_r, type); while ((type.Kind == ValKind.I32 ? (uint)bits : bits) is 0 or 0xFFFF_FFFF or ulong.MaxValue);
            return new GConst(type, bits);
        }
        double v = _r.Next(m.EndsWith("_u", StringComparison.Ordinal) ? 0 : -1000, 1000) / 8.0;
        return new GConst(type, type.Kind == ValKind.F32 ? BitConverter.SingleToUInt32Bits((float)v) : BitConverter.DoubleToUInt64Bits(v));
    }

    GNode? Tee(ValType t, int depth)
    {
        var exact = Locals.Where(i => _f.LocalType(i) == t).ToList();
        int local = exact.Count > 0 && _r.Next(3) != 0 ? Pick(exact) : NewLocal(t);
        return new GOp(Opcode.LocalTee, [Expr(t, depth)], [t], new GImm { Index = local });
    }

    GNode Select(ValType t, int depth)
    {
        var args = new List<GNode> { Expr(t, depth), Expr(t, depth), Condition(depth) };
        bool typed = t.IsRef || _r.Next(5) == 0;
        return typed
            ? new GOp(Opcode.SelectTyped, args, [t], new GImm { Type = t })
            : new GOp(Opcode.Select, args, [t]);
    }

    GNode RefIsNull(int depth)
    {
        ValType t = _r.Next(3) switch { 0 => ValType.ExternRef, 1 => TypedRef() ?? ValType.FuncRef, _ => ValType.FuncRef };
        return new GOp(Opcode.RefIsNull, [Expr(t, depth)], [ValType.I32]);
    }
}

static class ValKindExtensions
{
    public static bool IsFloat(this ValKind k) => k is ValKind.F32 or ValKind.F64;
}
