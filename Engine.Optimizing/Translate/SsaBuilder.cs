using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Translate;

/// <summary>
/// Builds SSA form directly while a front end emits code, after Braun, Buchwald, Hack, Leißa, Mallon and
/// Zwinkau, "Simple and Efficient Construction of Static Single Assignment Form" (CC 2013), with block
/// parameters in the place of φ-functions.
/// <para>
/// The front end names mutable variables by dense ids (wasm locals), defines them
/// (<see cref="DefineVar"/>) and reads them (<see cref="UseVar"/>) in the block it is filling; it reports
/// every branch edge (<see cref="DeclarePredecessor"/>) and seals a block once all its predecessors are
/// known (<see cref="SealBlock"/>). A read with no definition in the block looks backwards: through a
/// single predecessor, or by adding a block parameter whose arguments are the reads in every
/// predecessor; in a block not yet sealed the parameter is "incomplete" and gets its arguments at sealing.
/// A parameter whose arguments are all one value (or itself) is removed at once and becomes an alias of
/// that value ("trivial φ" removal; users of a removed parameter are not revisited, so a few redundant
/// parameters can remain for a later pass). A variable read where no definition reaches (the entry
/// block, whose declared locals wasm zero-initialises, or a block without predecessors) reads zero.
/// </para>
/// <para>
/// Invariants: parameters the front end adds to a block (wasm block results, loop parameters) come before
/// any this builder adds; an unsealed block only gets incomplete parameters, completed in order at sealing,
/// so branch arguments always line up with parameters. Lookups run on an explicit work stack, never
/// recursion, so deep chains of blocks cannot overflow the thread's stack. One instance serves many
/// functions (<see cref="Reset"/>); it allocates only when its tables grow.
/// </para>
/// </summary>
public sealed class SsaBuilder
{
    Function _f = null!;
    IrType[] _varTypes = [];

    /// <summary>Current definitions: (block &lt;&lt; 32 | var) → value.</summary>
    readonly DefMap _defs = new();
    /// <summary>The most recent definition of each variable and its block: the fast path of <see cref="UseVar"/>.</summary>
    Value[] _lastValue = [];
    int[] _lastBlock = [];

    // Per block (grown on demand): sealed flag, predecessor edge list head, incomplete parameter list head.
    bool[] _sealed = [];
    /// <summary>One past the highest block number this function has touched: what <see cref="Reset"/> must clear.</summary>
    int _usedBlocks;
    int[] _predHead = [], _predCount = [];
    int[] _incompleteHead = [];

    // Predecessor edges: a branch instruction and which of its targets; linked lists through _predNext.
    Inst[] _predInst = new Inst[64];
    int[] _predTarget = new int[64], _predNext = new int[64];
    int _predEdges;

    // Incomplete parameters: variable and parameter value, in creation order per block (linked, appended at the tail).
    int[] _incVar = new int[32], _incNext = new int[32];
    Value[] _incValue = new Value[32];
    int[] _incompleteTail = [];
    int _incCount;

    // The work stacks of a lookup.
    readonly Stack<Call> _calls = new();
    readonly Stack<Value> _results = new();
    Value[] _argScratch = new Value[16];

    readonly record struct Call(bool Finish, Block Block, Value Param, Block Start);

    /// <summary>Starts a function whose variables have the given types.</summary>
    public void Reset(Function f, ReadOnlySpan<IrType> varTypes)
    {
        _f = f;
        if (_varTypes.Length < varTypes.Length) _varTypes = new IrType[Math.Max(varTypes.Length, 2 * _varTypes.Length)];
        varTypes.CopyTo(_varTypes);
        _defs.Clear();
        if (_lastValue.Length < varTypes.Length)
        {
            _lastValue = new Value[varTypes.Length];
            _lastBlock = new int[varTypes.Length];
        }
        _lastBlock.AsSpan(0, varTypes.Length).Fill(-1);
        int n = _usedBlocks;
        _sealed.AsSpan(0, n).Clear();
        _predHead.AsSpan(0, n).Fill(-1);
        _predCount.AsSpan(0, n).Clear();
        _incompleteHead.AsSpan(0, n).Fill(-1);
        _incompleteTail.AsSpan(0, n).Fill(-1);
        _usedBlocks = 0;
        _predEdges = 0;
        _incCount = 0;
        _calls.Clear();
        _results.Clear();
    }

    void EnsureBlock(Block b)
    {
        if (b.Index >= _usedBlocks) _usedBlocks = b.Index + 1;
        if (b.Index < _sealed.Length) return;
        int n = Math.Max(b.Index + 1, _sealed.Length * 2);
        int old = _sealed.Length;
        Array.Resize(ref _sealed, n);
        Array.Resize(ref _predHead, n);
        Array.Resize(ref _predCount, n);
        Array.Resize(ref _incompleteHead, n);
        Array.Resize(ref _incompleteTail, n);
        _predHead.AsSpan(old).Fill(-1);
        _incompleteHead.AsSpan(old).Fill(-1);
        _incompleteTail.AsSpan(old).Fill(-1);
    }

    public bool IsSealed(Block b) => b.Index < _sealed.Length && _sealed[b.Index];

    /// <summary>The number of predecessor edges declared for the block.</summary>
    public int PredecessorCount(Block b) => b.Index < _predCount.Length ? _predCount[b.Index] : 0;

    /// <summary>Records that target <paramref name="target"/> of <paramref name="branch"/> goes to <paramref name="b"/>, which must not be sealed.</summary>
    public void DeclarePredecessor(Block b, Inst branch, int target)
    {
        EnsureBlock(b);
        if (_sealed[b.Index]) throw new InvalidOperationException($"{b} is sealed: it cannot get a predecessor");
        if (_predEdges == _predInst.Length)
        {
            Array.Resize(ref _predInst, _predEdges * 2);
            Array.Resize(ref _predTarget, _predEdges * 2);
            Array.Resize(ref _predNext, _predEdges * 2);
        }
        _predInst[_predEdges] = branch;
        _predTarget[_predEdges] = target;
        _predNext[_predEdges] = _predHead[b.Index];
        _predHead[b.Index] = _predEdges++;
        _predCount[b.Index]++;
    }

    public void DefineVar(int var, Block b, Value v)
    {
        _defs[Key(b, var)] = v;
        _lastValue[var] = v;
        _lastBlock[var] = b.Index;
    }

    /// <summary>The value of <paramref name="var"/> at the current end of <paramref name="b"/>.</summary>
    public Value UseVar(int var, Block b)
    {
        if (_lastBlock[var] == b.Index) return _f.Resolve(_lastValue[var]);
        Value v;
        if (_defs.TryGetValue(Key(b, var), out v)) v = _f.Resolve(v);
        else
        {
            _calls.Push(new Call(false, b, Value.None, b));
            Run(var);
            v = _results.Pop();
        }
        _lastValue[var] = v;
        _lastBlock[var] = b.Index;
        return v;
    }

    /// <summary>Declares that <paramref name="b"/> has all its predecessors: completes its incomplete parameters.</summary>
    public void SealBlock(Block b)
    {
        EnsureBlock(b);
        if (_sealed[b.Index]) throw new InvalidOperationException($"{b} is already sealed");
        // Completing one parameter can add more incomplete ones to this block (other variables read
        // through it); the list is walked until its end, so they are completed too, in order.
        // The parameter is the variable's value at the top of the block; definitions recorded for the
        // block (its value at the end) stay: where they name the parameter, it resolves to its replacement.
        // Trivial parameters become aliases at once but leave the parameter list only at the end, in one
        // compaction, so each later one still finds its arguments at its index (and sealing stays linear).
        _deferRemoval = true;
        for (int e = _incompleteHead[b.Index]; e >= 0; e = _incNext[e])
        {
            _calls.Push(new Call(true, b, _incValue[e], Block.None));
            PushPredecessorUses(b);
            Run(_incVar[e]);
            _results.Pop();
        }
        _deferRemoval = false;
        if (_deferred) RemoveAliasedParams(b);
        _incompleteHead[b.Index] = _incompleteTail[b.Index] = -1;
        _sealed[b.Index] = true;
    }

    static long Key(Block b, int var) => ((long)b.Index << 32) | (uint)var;

    void PushPredecessorUses(Block b)
    {
        for (int e = _predHead[b.Index]; e >= 0; e = _predNext[e])
            _calls.Push(new Call(false, _f.BlockOf(_predInst[e]), Value.None, Block.None));
    }

    void Run(int var)
    {
        while (_calls.Count > 0)
        {
            var c = _calls.Pop();
            if (c.Finish) FinishParam(var, c.Param, c.Block, c.Start);
            else Lookup(var, c.Block);
        }
    }

    /// <summary>Finds the value of the variable at the end of <paramref name="start"/>, walking up single predecessors.</summary>
    void Lookup(int var, Block start)
    {
        EnsureBlock(start);
        var b = start;
        int steps = 0;
        Value v;
        while (true)
        {
            if (_defs.TryGetValue(Key(b, var), out v)) { v = _f.Resolve(v); break; }
            if (!_sealed[b.Index])
            {
                v = AddParam(b, var);
                AddIncomplete(b, var, v);
                _defs[Key(b, var)] = v;
                break;
            }
            int n = _predCount[b.Index];
            if (n == 0 || (n == 1 && steps > _f.BlockCount))
            {
                // No definition reaches: the entry block (zero-initialised locals) or dead code.
                v = Zero(b, var);
                _defs[Key(b, var)] = v;
                break;
            }
            if (n == 1)
            {
                b = _f.BlockOf(_predInst[_predHead[b.Index]]);
                EnsureBlock(b);
                steps++;
                continue;
            }
            var param = AddParam(b, var);
            _defs[Key(b, var)] = param;
            _calls.Push(new Call(true, b, param, start));
            PushPredecessorUses(b);
            return;
        }
        DefineChain(var, start, b, v);
        _results.Push(v);
    }

    /// <summary>Gives a parameter its arguments (the lookups' results, one per predecessor edge), then removes it if trivial.</summary>
    void FinishParam(int var, Value param, Block b, Block start)
    {
        int n = _predCount[b.Index];
        if (_argScratch.Length < n) _argScratch = new Value[Math.Max(n, _argScratch.Length * 2)];
        // Lookups were pushed in edge-list order, so they ran last edge first and the first edge's result is on top.
        for (int k = 0; k < n; k++) _argScratch[k] = _results.Pop();
        int i = 0;
        for (int e = _predHead[b.Index]; e >= 0; e = _predNext[e], i++)
            _f.AppendTargetArg(_predInst[e], _predTarget[e], _argScratch[i]);
        var v = RemoveIfTrivial(param, b, var);
        if (start.IsValid) DefineChain(var, start, b, v);
        _results.Push(v);
    }

    /// <summary>Records <paramref name="v"/> as the variable's value in every block of the single-predecessor chain from <paramref name="start"/> up to <paramref name="end"/>.</summary>
    void DefineChain(int var, Block start, Block end, Value v)
    {
        var b = start;
        for (int guard = 0; guard <= _f.BlockCount; guard++)
        {
            _defs[Key(b, var)] = v;
            if (b == end || _predCount[b.Index] != 1) return;
            b = _f.BlockOf(_predInst[_predHead[b.Index]]);
        }
    }

    bool _deferRemoval, _deferred;

    /// <summary>Drops the parameters of <paramref name="b"/> that became aliases, and their arguments on every incoming edge.</summary>
    void RemoveAliasedParams(Block b)
    {
        _deferred = false;
        var ps = _f.BlockParams(b);
        Span<bool> remove = ps.Length <= 256 ? stackalloc bool[ps.Length] : new bool[ps.Length];
        for (int k = 0; k < ps.Length; k++) remove[k] = _f.ValueInfo(ps[k]).Kind == ValueKind.Alias;
        _f.RemoveBlockParams(b, remove);
        for (int e = _predHead[b.Index]; e >= 0; e = _predNext[e]) _f.RemoveTargetArgs(_predInst[e], _predTarget[e], remove);
    }

    Value RemoveIfTrivial(Value param, Block b, int var)
    {
        int index = _f.ValueInfo(param).Num;
        Value same = Value.None;
        for (int e = _predHead[b.Index]; e >= 0; e = _predNext[e])
        {
            var arg = _f.Resolve(_f.TargetArgs(_predInst[e], _predTarget[e])[index]);
            if (arg == param || arg == same) continue;
            if (same.IsValid) return param;
            same = arg;
        }
        if (!same.IsValid) same = Zero(b, var);
        if (_deferRemoval && !IsSealed(b))
        {
            _f.ChangeToAlias(param, same);
            _deferred = true;
            return same;
        }
        _f.RemoveBlockParam(b, index);
        for (int e = _predHead[b.Index]; e >= 0; e = _predNext[e]) _f.RemoveTargetArg(_predInst[e], _predTarget[e], index);
        _f.ChangeToAlias(param, same);
        return same;
    }

    Value AddParam(Block b, int var) => _f.AppendBlockParam(b, _varTypes[var]);

    void AddIncomplete(Block b, int var, Value v)
    {
        if (_incCount == _incVar.Length)
        {
            Array.Resize(ref _incVar, _incCount * 2);
            Array.Resize(ref _incNext, _incCount * 2);
            Array.Resize(ref _incValue, _incCount * 2);
        }
        _incVar[_incCount] = var;
        _incValue[_incCount] = v;
        _incNext[_incCount] = -1;
        if (_incompleteTail[b.Index] >= 0) _incNext[_incompleteTail[b.Index]] = _incCount;
        else _incompleteHead[b.Index] = _incCount;
        _incompleteTail[b.Index] = _incCount++;
    }

    /// <summary>A zero of the variable's type at the top of <paramref name="b"/>.</summary>
    Value Zero(Block b, int var)
    {
        IrType t = _varTypes[var];
        var i = t.IsFloat()
            ? _f.CreateInst(Op.Fconst, t, default)
            : _f.CreateInst(Op.Iconst, t, default);
        var first = _f.FirstInst(b);
        if (first.IsValid) _f.InsertInstBefore(i, first); else _f.AppendInst(b, i);
        return _f.Result(i);
    }
}
