using System.Numerics;
using System.Runtime.CompilerServices;

namespace Hoist.Optimizing.Ir;

/// <summary>
/// A function in SSA form with block parameters: the unit every pass works on.
/// <para>
/// Storage is a handful of dense tables indexed by the entity handles (<see cref="Value"/>,
/// <see cref="Inst"/>, <see cref="Block"/>): no object per instruction or value. Variable-length lists
/// (operands, block parameters, branch arguments) share one value pool; each list occupies a slot whose
/// capacity is the power of two at or above its length, so appending reallocates only when the length
/// reaches a power of two (the old slot is abandoned). Entities are never freed: removing an instruction
/// or block takes it out of the layout; its number stays allocated.
/// </para>
/// <para>
/// Invariants (checked by <see cref="Verifier"/>): every value is defined once, by an instruction result or
/// a block parameter, or is an alias of another value (uses resolve aliases through <see cref="Resolve"/>);
/// the entry block (first in layout) has the signature's parameters; each block in the layout ends with
/// exactly one terminator; every use is dominated by its definition.
/// </para>
/// </summary>
public sealed partial class Function
{
    ValueData[] _values = new ValueData[64];
    int _valueCount;
    InstData[] _insts = new InstData[64];
    int _instCount;
    BlockData[] _blocks = new BlockData[16];
    int _blockCount;
    Value[] _pool = new Value[256];
    int _poolCount;
    BlockCallData[] _calls = new BlockCallData[16];
    int _callCount;
    readonly Dictionary<Signature, int> _sigIndex = new();
    /// <summary>Every opcode an instruction of this function was ever created with or rewritten into (<see cref="MayContain"/>).</summary>
    readonly ulong[] _opsSeen = new ulong[(OpInfo.Count + 63) / 64];
    OpFlags _flagsSeen;
    readonly Dictionary<uint, int> _funcIndex = new();

    public Function(string name, Signature signature)
    {
        Name = name;
        Signature = signature;
    }

    /// <summary>
    /// A function whose tables start with room for about <paramref name="expectedInsts"/> instructions (a
    /// translator knows roughly how big the function will be; growing the tables copies them).
    /// </summary>
    public Function(string name, Signature signature, int expectedInsts) : this(name, signature)
    {
        int n = Math.Clamp(expectedInsts, 64, 1 << 24);
        _insts = new InstData[n];
        _values = new ValueData[n];
        _pool = new Value[2 * n];
        _blocks = new BlockData[Math.Max(16, n / 8)];
        _calls = new BlockCallData[Math.Max(16, n / 8)];
    }

    /// <summary>
    /// Empties the function for reuse as <paramref name="name"/> with <paramref name="signature"/>: every entity
    /// is forgotten, the tables keep their storage (grown to about <paramref name="expectedInsts"/> instructions
    /// if smaller), so a compiler thread fills one function after another without allocating fresh tables. Any
    /// handle or span obtained before is meaningless afterwards. Entities are fully written when created, so the
    /// old contents need no clearing.
    /// </summary>
    public void Reset(string name, Signature signature, int expectedInsts)
    {
        Name = name;
        Signature = signature;
        Generation++;
        // Grown geometrically, so a module whose functions grow one after another reallocates O(log n) times.
        int n = Math.Clamp(expectedInsts, 64, 1 << 24);
        if (_insts.Length < n) _insts = new InstData[Math.Max(n, 2 * _insts.Length)];
        if (_values.Length < n) _values = new ValueData[Math.Max(n, 2 * _values.Length)];
        if (_pool.Length < 2 * n) _pool = new Value[Math.Max(2 * n, 2 * _pool.Length)];
        if (_blocks.Length < n / 8) _blocks = new BlockData[Math.Max(n / 8, 2 * _blocks.Length)];
        if (_calls.Length < n / 8) _calls = new BlockCallData[Math.Max(n / 8, 2 * _calls.Length)];
        _valueCount = _instCount = _blockCount = _poolCount = _callCount = 0;
        _firstBlock = _lastBlock = -1;
        Array.Clear(_opsSeen);
        _flagsSeen = OpFlags.None;
        Signatures.Clear();
        ExtFuncs.Clear();
        _sigIndex.Clear();
        _funcIndex.Clear();
    }

    /// <summary>How many times <see cref="Reset"/> refilled this object: caches keyed by the function (analyses) key by this too.</summary>
    public int Generation { get; private set; }

    public string Name { get; set; }

    /// <summary>The function's own signature; the entry block's parameters match its parameters.</summary>
    public Signature Signature { get; set; }

    /// <summary>Signatures declared for calls (<see cref="SigRef"/> indexes this list).</summary>
    public List<Signature> Signatures { get; } = new();

    /// <summary>Callees declared for direct calls (<see cref="FuncRef"/> indexes this list).</summary>
    public List<ExtFunc> ExtFuncs { get; } = new();

    public int ValueCount => _valueCount;
    public int InstCount => _instCount;
    public int BlockCount => _blockCount;

    // ---- Declarations.

    /// <summary>Declares a call signature, reusing an equal one already declared.</summary>
    public SigRef DeclareSignature(Signature sig)
    {
        if (_sigIndex.TryGetValue(sig, out int i)) return new SigRef(i);
        Signatures.Add(sig);
        _sigIndex[sig] = Signatures.Count - 1;
        return new SigRef(Signatures.Count - 1);
    }

    /// <summary>Declares a direct callee (a wasm function of the module), reusing an earlier declaration.</summary>
    public FuncRef DeclareFunction(uint wasmFunction, Signature sig)
    {
        if (_funcIndex.TryGetValue(wasmFunction, out int i)) return new FuncRef(i);
        ExtFuncs.Add(new ExtFunc(wasmFunction, DeclareSignature(sig)));
        _funcIndex[wasmFunction] = ExtFuncs.Count - 1;
        return new FuncRef(ExtFuncs.Count - 1);
    }

    /// <summary>Appends a declaration exactly as given (the text parser, which keeps the text's numbering).</summary>
    internal void AddSignatureRaw(Signature sig)
    {
        Signatures.Add(sig);
        _sigIndex.TryAdd(sig, Signatures.Count - 1);
    }

    internal void AddExtFuncRaw(ExtFunc f)
    {
        ExtFuncs.Add(f);
        _funcIndex.TryAdd(f.WasmFunction, ExtFuncs.Count - 1);
    }

    public Signature SignatureOf(SigRef s) => Signatures[s.Index];
    public ExtFunc ExtFuncOf(FuncRef f) => ExtFuncs[f.Index];

    /// <summary>The signature a call or call_indirect uses.</summary>
    public Signature CallSignature(Inst call)
    {
        ref readonly InstData d = ref _insts[call.Index];
        return d.Op.Format() == InstFormat.Call ? Signatures[ExtFuncs[d.Ref].Sig.Index] : Signatures[d.Ref];
    }

    // ---- Values.

    public ref readonly ValueData ValueInfo(Value v) => ref _values[v.Index];
    public IrType TypeOf(Value v) => _values[v.Index].Type;
    public bool IsValidValue(Value v) => (uint)v.Index < (uint)_valueCount;

    /// <summary>Follows aliases to the value that is really defined.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Value Resolve(Value v)
    {
        while (_values[v.Index].Kind == ValueKind.Alias) v = new Value(_values[v.Index].Owner);
        return v;
    }

    /// <summary>The instruction that defines <paramref name="v"/> (after alias resolution), or None for a block parameter.</summary>
    public Inst DefiningInst(Value v)
    {
        ref readonly ValueData d = ref _values[Resolve(v).Index];
        return d.Kind == ValueKind.Result ? new Inst(d.Owner) : Inst.None;
    }

    /// <summary>
    /// Makes <paramref name="v"/> another name of <paramref name="target"/>, so every use of v reads target.
    /// The caller removes v's definition (the instruction or block parameter) itself.
    /// </summary>
    public void ChangeToAlias(Value v, Value target)
    {
        target = Resolve(target);
        if (target == v) throw new InvalidOperationException($"{v} cannot be an alias of itself");
        if (_values[v.Index].Type != _values[target.Index].Type)
            throw new InvalidOperationException($"alias {v} of {target}: types differ");
        _values[v.Index] = new ValueData { Type = _values[v.Index].Type, Kind = ValueKind.Alias, Owner = target.Index };
    }

    internal Value NewValue(IrType type, ValueKind kind, int owner, int num)
    {
        if (_valueCount == _values.Length) Array.Resize(ref _values, _values.Length * 2);
        _values[_valueCount] = new ValueData { Type = type, Kind = kind, Owner = owner, Num = num };
        return new Value(_valueCount++);
    }

    /// <summary>Makes sure value numbers below <paramref name="count"/> exist (as free values): the text parser's numbering.</summary>
    internal void EnsureValues(int count)
    {
        while (_valueCount < count) NewValue(IrType.Invalid, ValueKind.Free, -1, 0);
    }

    internal void DefineValueRaw(Value v, in ValueData data) => _values[v.Index] = data;

    // ---- The value pool.

    /// <summary>The capacity of a pool slot holding <paramref name="n"/> values.</summary>
    static int Capacity(int n) => n <= 1 ? n : (int)BitOperations.RoundUpToPowerOf2((uint)n);

    int AllocList(ReadOnlySpan<Value> items)
    {
        int cap = Capacity(items.Length);
        if (_poolCount + cap > _pool.Length) Array.Resize(ref _pool, Math.Max(_pool.Length * 2, _poolCount + cap));
        int start = _poolCount;
        items.CopyTo(_pool.AsSpan(start));
        _poolCount += cap;
        return start;
    }

    void AppendToList(ref int start, ref int count, Value v)
    {
        if (count == Capacity(count))
        {
            int cap = Capacity(count + 1);
            if (_poolCount + cap > _pool.Length) Array.Resize(ref _pool, Math.Max(_pool.Length * 2, _poolCount + cap));
            _pool.AsSpan(start, count).CopyTo(_pool.AsSpan(_poolCount));
            start = _poolCount;
            _poolCount += cap;
        }
        _pool[start + count++] = v;
    }

    void RemoveFromList(int start, ref int count, int index)
    {
        if ((uint)index >= (uint)count) throw new ArgumentOutOfRangeException(nameof(index));
        _pool.AsSpan(start + index + 1, count - index - 1).CopyTo(_pool.AsSpan(start + index));
        count--;
    }

    /// <summary>Replaces a list's contents, reusing its slot when the new list fits.</summary>
    void ReplaceList(ref int start, ref int count, ReadOnlySpan<Value> items)
    {
        if (Capacity(items.Length) <= Capacity(count) && count > 0) items.CopyTo(_pool.AsSpan(start));
        else start = AllocList(items);
        count = items.Length;
    }

    // ---- Blocks.

    public Block CreateBlock()
    {
        if (_blockCount == _blocks.Length) Array.Resize(ref _blocks, _blocks.Length * 2);
        _blocks[_blockCount] = new BlockData { FirstInst = -1, LastInst = -1, Prev = -1, Next = -1 };
        return new Block(_blockCount++);
    }

    /// <summary>Makes sure block numbers below <paramref name="count"/> exist: the text parser's numbering.</summary>
    internal void EnsureBlocks(int count)
    {
        while (_blockCount < count) CreateBlock();
    }

    public bool IsValidBlock(Block b) => (uint)b.Index < (uint)_blockCount;

    public ReadOnlySpan<Value> BlockParams(Block b)
    {
        ref readonly BlockData d = ref _blocks[b.Index];
        return _pool.AsSpan(d.ParamStart, d.ParamCount);
    }

    public Value AppendBlockParam(Block b, IrType type)
    {
        ref BlockData d = ref _blocks[b.Index];
        var v = NewValue(type, ValueKind.Param, b.Index, d.ParamCount);
        AppendToList(ref d.ParamStart, ref d.ParamCount, v);
        return v;
    }

    /// <summary>Attaches an existing free value as the block's next parameter (the text parser).</summary>
    internal void AttachBlockParam(Block b, Value v, IrType type)
    {
        ref BlockData d = ref _blocks[b.Index];
        _values[v.Index] = new ValueData { Type = type, Kind = ValueKind.Param, Owner = b.Index, Num = d.ParamCount };
        AppendToList(ref d.ParamStart, ref d.ParamCount, v);
    }

    /// <summary>
    /// Removes parameter <paramref name="index"/> of <paramref name="b"/>; later parameters move down.
    /// The removed value becomes free unless the caller makes it an alias. Branch arguments are the caller's to remove.
    /// </summary>
    public void RemoveBlockParam(Block b, int index)
    {
        ref BlockData d = ref _blocks[b.Index];
        Value removed = _pool[d.ParamStart + index];
        RemoveFromList(d.ParamStart, ref d.ParamCount, index);
        for (int i = index; i < d.ParamCount; i++) _values[_pool[d.ParamStart + i].Index].Num = i;
        _values[removed.Index].Kind = ValueKind.Free;
    }

    /// <summary>
    /// Removes the parameters of <paramref name="b"/> whose <paramref name="remove"/> flag is set, in one pass;
    /// the removed values keep their data (the caller has made them aliases). Branch arguments are the caller's.
    /// </summary>
    public void RemoveBlockParams(Block b, ReadOnlySpan<bool> remove)
    {
        ref BlockData d = ref _blocks[b.Index];
        int kept = 0;
        for (int k = 0; k < d.ParamCount; k++)
        {
            if (remove[k]) continue;
            var v = _pool[d.ParamStart + k];
            _pool[d.ParamStart + kept] = v;
            if (_values[v.Index].Kind == ValueKind.Param) _values[v.Index].Num = kept;
            kept++;
        }
        d.ParamCount = kept;
    }

    // ---- Instructions.

    public ref readonly InstData this[Inst i] => ref _insts[i.Index];

    /// <summary>
    /// False when no instruction of the function has opcode <paramref name="op"/>: passes skip functions they cannot
    /// change. Conservative (an opcode stays "seen" after its instructions are removed), never wrong.
    /// </summary>
    public bool MayContain(Op op) => (_opsSeen[(int)op >> 6] & (1UL << ((int)op & 63))) != 0;

    /// <summary>False when no instruction of the function has any of <paramref name="flags"/> (conservative, as <see cref="MayContain"/>).</summary>
    public bool MayContainAny(OpFlags flags) => (_flagsSeen & flags) != 0;

    void Saw(Op op)
    {
        _opsSeen[(int)op >> 6] |= 1UL << ((int)op & 63);
        _flagsSeen |= op.Flags();
    }
    public bool IsValidInst(Inst i) => (uint)i.Index < (uint)_instCount;
    public Op OpOf(Inst i) => _insts[i.Index].Op;

    /// <summary>
    /// Creates an instruction (not yet in the layout) with its results, whose types come from the
    /// opcode's signature (the controlling type, a fixed type, or the call's signature).
    /// Branch targets are added with <see cref="SetTarget"/> after <see cref="CreateBranch"/>.
    /// </summary>
    public Inst CreateInst(Op op, IrType type, ReadOnlySpan<Value> args, byte code = 0, int @ref = 0, long imm = 0)
    {
        if (_instCount == _insts.Length) Array.Resize(ref _insts, _insts.Length * 2);
        int index = _instCount++;
        Saw(op);
        ref InstData d = ref _insts[index];
        d = new InstData
        {
            Op = op, Type = type, Code = code, Ref = @ref, Imm = imm, SourceOffset = -1,
            ArgStart = AllocList(args), ArgCount = checked((ushort)args.Length),
            Block = -1, Prev = -1, Next = -1, FirstResult = -1,
        };
        MakeResults(new Inst(index), -1);
        return new Inst(index);
    }

    /// <summary>
    /// Like <see cref="CreateInst"/>, but the results are the existing free values from <paramref name="firstResult"/>
    /// on (the text parser, which keeps the text's numbering).
    /// </summary>
    internal Inst CreateInstAt(Op op, IrType type, ReadOnlySpan<Value> args, byte code, int @ref, long imm, Value firstResult)
    {
        if (_instCount == _insts.Length) Array.Resize(ref _insts, _insts.Length * 2);
        int index = _instCount++;
        Saw(op);
        _insts[index] = new InstData
        {
            Op = op, Type = type, Code = code, Ref = @ref, Imm = imm, SourceOffset = -1,
            ArgStart = AllocList(args), ArgCount = checked((ushort)args.Length),
            Block = -1, Prev = -1, Next = -1, FirstResult = -1,
        };
        MakeResults(new Inst(index), firstResult.Index);
        return new Inst(index);
    }

    /// <summary>The result types of an instruction: from the call's signature, or the opcode's fixed results.</summary>
    public int ResultTypes(Op op, IrType ctrl, int @ref, Span<IrType> types)
    {
        if (op.HasVarResults())
        {
            var sig = op.Format() == InstFormat.Call ? Signatures[ExtFuncs[@ref].Sig.Index] : Signatures[@ref];
            sig.Results.CopyTo(types);
            return sig.Results.Length;
        }
        var fixedResults = op.Results();
        for (int r = 0; r < fixedResults.Length; r++)
            types[r] = fixedResults[r] == TypeConstraint.Ctrl ? ctrl : fixedResults[r].Concrete();
        return fixedResults.Length;
    }

    /// <summary>The number of results an instruction of this opcode (and call target) has.</summary>
    public int ResultCountOf(Op op, int @ref) =>
        op.HasVarResults()
            ? (op.Format() == InstFormat.Call ? Signatures[ExtFuncs[@ref].Sig.Index] : Signatures[@ref]).Results.Length
            : op.Results().Length;

    void MakeResults(Inst inst, int first)
    {
        ref InstData d = ref _insts[inst.Index];
        if (!d.Op.HasVarResults())
        {
            // The common case: results fixed by the opcode table (at most one today).
            var fixedResults = d.Op.Results();
            d.ResultCount = (ushort)fixedResults.Length;
            if (fixedResults.Length == 0) return;
            d.FirstResult = first >= 0 ? first : _valueCount;
            IrType ctrl = d.Type;
            for (int r = 0; r < fixedResults.Length; r++)
            {
                IrType t = fixedResults[r] == TypeConstraint.Ctrl ? ctrl : fixedResults[r].Concrete();
                if (first < 0) NewValue(t, ValueKind.Result, inst.Index, r);
                else _values[first + r] = new ValueData { Type = t, Kind = ValueKind.Result, Owner = inst.Index, Num = r };
            }
            return;
        }
        int n = ResultCountOf(d.Op, d.Ref);
        Span<IrType> types = n <= 16 ? stackalloc IrType[n] : new IrType[n];
        ResultTypes(d.Op, d.Type, d.Ref, types);
        d.ResultCount = (ushort)n;
        if (n == 0) return;
        if (first < 0)
        {
            d.FirstResult = _valueCount;
            for (int r = 0; r < n; r++) NewValue(types[r], ValueKind.Result, inst.Index, r);
            return;
        }
        d.FirstResult = first;
        for (int r = 0; r < n; r++)
            _values[first + r] = new ValueData { Type = types[r], Kind = ValueKind.Result, Owner = inst.Index, Num = r };
    }

    /// <summary>Creates a branch (jump, brif, br_table) with room for <paramref name="targetCount"/> targets, to be set with <see cref="SetTarget"/>.</summary>
    public Inst CreateBranch(Op op, ReadOnlySpan<Value> args, int targetCount)
    {
        int expected = op.Format() switch { InstFormat.Jump => 1, InstFormat.Brif => 2, InstFormat.BranchTable => -1, _ => 0 };
        if (expected == 0 || (expected > 0 && targetCount != expected) || targetCount < 1)
            throw new ArgumentException($"{op.Mnemonic()} cannot have {targetCount} targets");
        if (_callCount + targetCount > _calls.Length) Array.Resize(ref _calls, Math.Max(_calls.Length * 2, _callCount + targetCount));
        int first = _callCount;
        for (int t = 0; t < targetCount; t++) _calls[_callCount++] = new BlockCallData { Block = -1 };
        return CreateInst(op, IrType.Invalid, args, @ref: first, imm: op.Format() == InstFormat.BranchTable ? targetCount : 0);
    }

    public ReadOnlySpan<Value> Args(Inst i)
    {
        ref readonly InstData d = ref _insts[i.Index];
        return _pool.AsSpan(d.ArgStart, d.ArgCount);
    }

    /// <summary>The operands, writable in place (to replace one value by another).</summary>
    public Span<Value> ArgsMut(Inst i)
    {
        ref readonly InstData d = ref _insts[i.Index];
        return _pool.AsSpan(d.ArgStart, d.ArgCount);
    }

    public Value Arg(Inst i, int k) => Args(i)[k];

    public int ResultCount(Inst i) => _insts[i.Index].ResultCount;

    /// <summary>Result <paramref name="k"/> of <paramref name="i"/>.</summary>
    public Value Result(Inst i, int k = 0)
    {
        ref readonly InstData d = ref _insts[i.Index];
        if ((uint)k >= d.ResultCount) throw new ArgumentOutOfRangeException(nameof(k), $"{OpOf(i).Mnemonic()} has {d.ResultCount} results");
        return new Value(d.FirstResult + k);
    }

    public void SetSourceOffset(Inst i, int offset) => _insts[i.Index].SourceOffset = offset;
    public void SetImm(Inst i, long imm) => _insts[i.Index].Imm = imm;
    public void SetCode(Inst i, byte code) => _insts[i.Index].Code = code;

    /// <summary>
    /// Rewrites a non-branch instruction in place into another one with the same results (same count
    /// and types), keeping its place in the layout: e.g. <c>iadd</c> of two constants into <c>iconst</c>.
    /// </summary>
    public void Rewrite(Inst i, Op op, IrType type, ReadOnlySpan<Value> args, byte code = 0, int @ref = 0, long imm = 0)
    {
        ref InstData d = ref _insts[i.Index];
        if (d.Op.IsBranch() || op.IsBranch()) throw new InvalidOperationException("branches are rewritten with RewriteAsJump");
        int start = d.ArgStart, count = d.ArgCount;
        ReplaceList(ref start, ref count, args);
        d.ArgStart = start;
        d.ArgCount = (ushort)count;
        d.Op = op; d.Type = type; d.Code = code; d.Ref = @ref; d.Imm = imm;
        Saw(op);
    }

    /// <summary>Rewrites a terminator in place into <c>jump target(args)</c> (branch folding).</summary>
    public void RewriteAsJump(Inst i, Block target, ReadOnlySpan<Value> args)
    {
        ref InstData d = ref _insts[i.Index];
        if (!d.Op.IsTerminator() || d.ResultCount != 0) throw new InvalidOperationException("only a terminator without results becomes a jump");
        if (_callCount == _calls.Length) Array.Resize(ref _calls, _calls.Length * 2);
        int call = _callCount++;
        _calls[call] = new BlockCallData { Block = target.Index, ArgStart = AllocList(args), ArgCount = args.Length };
        d.Op = Op.Jump; d.Type = IrType.Invalid; d.Code = 0; d.Ref = call; d.Imm = 0; d.ArgCount = 0;
        Saw(Op.Jump);
    }

    // ---- Branch targets.

    public int TargetCount(Inst i)
    {
        ref readonly InstData d = ref _insts[i.Index];
        return d.Op.Format() switch { InstFormat.Jump => 1, InstFormat.Brif => 2, InstFormat.BranchTable => (int)d.Imm, _ => 0 };
    }

    ref BlockCallData Target(Inst i, int t)
    {
        if ((uint)t >= (uint)TargetCount(i)) throw new ArgumentOutOfRangeException(nameof(t));
        return ref _calls[_insts[i.Index].Ref + t];
    }

    public Block TargetBlock(Inst i, int t) => new(Target(i, t).Block);

    public ReadOnlySpan<Value> TargetArgs(Inst i, int t)
    {
        ref BlockCallData c = ref Target(i, t);
        return _pool.AsSpan(c.ArgStart, c.ArgCount);
    }

    public Span<Value> TargetArgsMut(Inst i, int t)
    {
        ref BlockCallData c = ref Target(i, t);
        return _pool.AsSpan(c.ArgStart, c.ArgCount);
    }

    public void SetTarget(Inst i, int t, Block block, ReadOnlySpan<Value> args)
    {
        ref BlockCallData c = ref Target(i, t);
        c.Block = block.Index;
        ReplaceList(ref c.ArgStart, ref c.ArgCount, args);
    }

    public void SetTargetBlock(Inst i, int t, Block block) => Target(i, t).Block = block.Index;

    public void AppendTargetArg(Inst i, int t, Value v)
    {
        ref BlockCallData c = ref Target(i, t);
        AppendToList(ref c.ArgStart, ref c.ArgCount, v);
    }

    /// <summary>Removes the arguments of target <paramref name="t"/> whose <paramref name="remove"/> flag is set, in one pass.</summary>
    public void RemoveTargetArgs(Inst i, int t, ReadOnlySpan<bool> remove)
    {
        ref BlockCallData c = ref Target(i, t);
        int kept = 0;
        for (int k = 0; k < c.ArgCount; k++)
            if (!remove[k]) _pool[c.ArgStart + kept++] = _pool[c.ArgStart + k];
        c.ArgCount = kept;
    }

    public void RemoveTargetArg(Inst i, int t, int index)
    {
        ref BlockCallData c = ref Target(i, t);
        RemoveFromList(c.ArgStart, ref c.ArgCount, index);
    }

    // ---- Copying.

    /// <summary>A deep copy: same numbering, same layout.</summary>
    public Function Clone()
    {
        var f = new Function(Name, Signature)
        {
            _values = (ValueData[])_values.Clone(), _valueCount = _valueCount,
            _insts = (InstData[])_insts.Clone(), _instCount = _instCount,
            _blocks = (BlockData[])_blocks.Clone(), _blockCount = _blockCount,
            _pool = (Value[])_pool.Clone(), _poolCount = _poolCount,
            _calls = (BlockCallData[])_calls.Clone(), _callCount = _callCount,
            _firstBlock = _firstBlock, _lastBlock = _lastBlock,
        };
        _opsSeen.CopyTo(f._opsSeen, 0);
        f._flagsSeen = _flagsSeen;
        foreach (var s in Signatures) f.AddSignatureRaw(s);
        foreach (var e in ExtFuncs) f.AddExtFuncRaw(e);
        return f;
    }
}
