using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// The instruction tree of a generated function body: the form the generator builds, the shrinker edits and
/// <see cref="ModuleEmitter"/> turns into bytes. A node emits its operands (left to right) and then itself,
/// so a tree is an ordinary stack-machine sequence; the tree only adds the structure the shrinker needs
/// (which instructions compute which operand).
/// </summary>
/// <remarks>
/// Invariants the generator keeps and the emitter relies on:
/// <list type="bullet">
/// <item>Every node leaves exactly <see cref="GNode.Results"/> on the stack (a polymorphic instruction such as
/// <c>br</c> or <c>unreachable</c> is given the results its context wants, as the validator allows).</item>
/// <item>Branch targets, callees and types are objects (<see cref="GBlock"/>, <see cref="GFunc"/>,
/// <see cref="GType"/>), not indices, so removing a block or a function renumbers nothing by hand: the emitter
/// computes depths and indices, and reports a target that is no longer in scope (the shrinker then drops the edit).</item>
/// <item>A <see cref="GStacked"/> leaf stands for a block parameter already on the stack: within one statement
/// every such leaf is emitted before any other instruction, so it takes the value the block started with.</item>
/// </list>
/// </remarks>
public abstract class GNode
{
    /// <summary>The values the node leaves on the stack.</summary>
    public abstract ValType[] Results { get; }

    /// <summary>The nodes whose values this node consumes, in emission order (empty for leaves).</summary>
    public virtual IEnumerable<List<GNode>> ChildLists => [];

    /// <summary>A deep copy (for the shrinker's candidate edits).</summary>
    public abstract GNode Clone(CloneMap map);
}

/// <summary>Maps original nodes to their copies while cloning, so branch targets point into the copy.</summary>
public sealed class CloneMap
{
    readonly Dictionary<object, object> _map = new(ReferenceEqualityComparer.Instance);

    public void Add(object original, object copy) => _map[original] = copy;

    /// <summary>The copy of a target, or the target itself when it was not cloned (functions, types).</summary>
    public object? Resolve(object? original) => original is not null && _map.TryGetValue(original, out var c) ? c : original;
}

/// <summary>A numeric constant (<c>i32.const</c> ... <c>f64.const</c>), kept as raw bits.</summary>
public sealed class GConst(ValType type, ulong bits) : GNode
{
    public ValType Type { get; } = type;
    public ulong Bits { get; set; } = bits;
    public override ValType[] Results => [Type];
    public override GNode Clone(CloneMap map) => new GConst(Type, Bits);
}

/// <summary>
/// The immediates of a <see cref="GOp"/>; which fields mean something depends on the opcode's
/// <see cref="ImmediateKind"/> (as in <see cref="Hoist.Wasm.Binary.Operator"/>). Targets are objects.
/// </summary>
public struct GImm
{
    /// <summary>Local, global, memory, table, data or element index; the memory of a memarg.</summary>
    public int Index;
    /// <summary>The second index (memory.copy / table.copy source, call_indirect / table.init table, memory.init memory).</summary>
    public int Index2;
    public ulong Offset;
    public int AlignLog2;
    /// <summary>A callee (<see cref="GFunc"/>), a type (<see cref="GType"/>) or a branch target (<see cref="GBlock"/>, or the <see cref="GFunc"/> for its body).</summary>
    public object? Target;
    /// <summary>br_table's labels (the default is <see cref="Target"/>).</summary>
    public object[]? Targets;
    /// <summary>ref.null's heap type; select's value type.</summary>
    public HeapType Heap;
    public ValType Type;
}

/// <summary>Any instruction other than a constant or a block: its operands, then the opcode and its immediates.</summary>
public sealed class GOp(Opcode op, List<GNode> args, ValType[] results, GImm imm = default) : GNode
{
    public Opcode Op { get; } = op;
    public List<GNode> Args { get; } = args;
    public GImm Imm = imm;
    readonly ValType[] _results = results;
    public override ValType[] Results => _results;
    public override IEnumerable<List<GNode>> ChildLists => [Args];

    public override GNode Clone(CloneMap map)
    {
        var imm = Imm;
        imm.Target = map.Resolve(Imm.Target);
        if (Imm.Targets is { } ts) imm.Targets = Array.ConvertAll(ts, t => map.Resolve(t)!);
        return new GOp(Op, CloneList(Args, map), _results, imm);
    }

    internal static List<GNode> CloneList(List<GNode> nodes, CloneMap map) => nodes.ConvertAll(n => n.Clone(map));
}

/// <summary>
/// <c>block</c>, <c>loop</c> or <c>if</c>: <see cref="Inputs"/> computes the parameters (and, for <c>if</c>, the
/// condition last), then the body runs with the parameters on the stack and leaves the results.
/// <see cref="TypeIndex"/> is the block type's index when it needs one (parameters or several results), else -1.
/// </summary>
public sealed class GBlock(Opcode kind, ValType[] parameters, ValType[] results, int typeIndex) : GNode
{
    public Opcode Kind { get; } = kind;
    public ValType[] Params { get; } = parameters;
    public int TypeIndex { get; } = typeIndex;
    public List<GNode> Inputs { get; init; } = [];
    public List<GNode> Body { get; init; } = [];
    /// <summary>The else arm of an <c>if</c> (null: none, allowed when the parameters equal the results).</summary>
    public List<GNode>? Else { get; set; }
    readonly ValType[] _results = results;
    public override ValType[] Results => _results;

    /// <summary>What a branch to this block carries: a loop's parameters, otherwise its results.</summary>
    public ValType[] LabelTypes => Kind == Opcode.Loop ? Params : _results;

    public override IEnumerable<List<GNode>> ChildLists => Else is null ? [Inputs, Body] : [Inputs, Body, Else];

    public override GNode Clone(CloneMap map)
    {
        var copy = new GBlock(Kind, Params, _results, TypeIndex);
        map.Add(this, copy);
        copy.Inputs.AddRange(GOp.CloneList(Inputs, map));
        copy.Body.AddRange(GOp.CloneList(Body, map));
        if (Else is not null) copy.Else = GOp.CloneList(Else, map);
        return copy;
    }
}

/// <summary>A block parameter already on the stack: emits nothing (see the invariants on <see cref="GNode"/>).</summary>
public sealed class GStacked(ValType type) : GNode
{
    public ValType Type { get; } = type;
    public override ValType[] Results => [Type];
    public override GNode Clone(CloneMap map) => new GStacked(Type);
}

/// <summary>
/// A statement that consumes every result of <see cref="Source"/>: result i goes to local <c>Locals[i]</c>, or is
/// dropped when that is -1 (how multi-value results are taken apart). Source is one node as generated; the
/// shrinker may make it a sequence (statements, then the values).
/// </summary>
public sealed class GUnpack(GNode source, int[] locals) : GNode
{
    public List<GNode> Source { get; } = [source];
    public int[] Locals { get; } = locals;
    public override ValType[] Results => [];
    public override IEnumerable<List<GNode>> ChildLists => [Source];
    public override GNode Clone(CloneMap map)
    {
        var copy = new GUnpack(Source[0].Clone(map), Locals);
        copy.Source.AddRange(GOp.CloneList(Source.GetRange(1, Source.Count - 1), map));
        return copy;
    }
}

/// <summary>
/// Makes a float result deterministic: an arithmetic NaN (whose sign and payload the spec leaves open) becomes
/// the positive canonical NaN; any other value passes unchanged. Emitted as
/// <c>T.const nan; value; local.tee s; local.get s; local.get s; T.ne; select</c> with scratch local <see cref="Scratch"/>.
/// <see cref="Value"/> is one node as made; the shrinker may make it a sequence (statements, then the value).
/// </summary>
public sealed class GCanon(GNode value, int scratch) : GNode
{
    readonly ValType[] _results = value.Results;
    GCanon(List<GNode> value, int scratch, ValType[] results) : this(value[^1], scratch)
    {
        Value.Clear();
        Value.AddRange(value);
        _results = results;
    }

    public List<GNode> Value { get; } = [value];
    public int Scratch { get; } = scratch;
    public override ValType[] Results => _results;
    public override IEnumerable<List<GNode>> ChildLists => [Value];
    public override GNode Clone(CloneMap map) => new GCanon(GOp.CloneList(Value, map), Scratch, _results);
}

/// <summary>
/// The fuel check at a function's entry and a loop's head: traps (<c>unreachable</c>) when the module's fuel
/// global is zero, else decrements it. It bounds every run, whatever the calls and branches do.
/// </summary>
public sealed class GFuelCheck : GNode
{
    public override ValType[] Results => [];
    public override GNode Clone(CloneMap map) => new GFuelCheck();
}
