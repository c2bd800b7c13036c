using System.Diagnostics;
using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Reduces a failing test case to a small one that still fails the same way (greedy, to a fixed point): drops
/// calls from the plan, stubs and removes functions, removes statements, replaces expressions by constants or by
/// one of their own operands, unwraps blocks, zeroes constants, arguments and global initialisers, empties segments.
/// </summary>
/// <remarks>
/// An edit that leaves the binary and the calls as they were is skipped, so an accepted edit always makes progress.
/// Every edit is made on a copy and kept only if the <c>reproduces</c> predicate (encode, validate, run, same
/// failure signature) says so; an edit that makes the module invalid or unencodable is simply not kept, so the
/// edits need not be type-correct by construction (most are). Edit sites are numbered in a fixed traversal
/// order, the same in a copy as in the original, so "the k-th site" names the same place in both. Fuel checks are
/// never removed (without them a run may not end), and <see cref="NanCanonicalizer"/> runs after every edit (without
/// it two correct engines may differ).
/// </remarks>
public sealed class Shrinker(Func<GModule, bool> reproduces, TimeSpan budget)
{
    readonly Stopwatch _clock = new();
    readonly List<ShrinkEdit> _edits = [];

    public int Attempts { get; private set; }
    public int Accepted { get; private set; }

    /// <summary>
    /// The edits that made the module now being tested from the original: the accepted ones, then the one on trial.
    /// <see cref="Replay"/> of them on the original gives the same module (a predicate that runs the candidate
    /// elsewhere, in another process, sends these).
    /// </summary>
    public IReadOnlyList<ShrinkEdit> Edits => _edits;

    /// <summary>The edits, coarse ones first.</summary>
    static readonly (string Kind, Edit Apply)[] s_edits =
    [
        ("call", RemoveCall), ("function", RemoveFunction), ("stub", StubFunction), ("node", RemoveNode),
        ("replace", ReplaceNode), ("constant", SimplifyConstant), ("argument", SimplifyArgument), ("segment", EmptySegment),
        ("global", SimplifyGlobal),
    ];

    public GModule Shrink(GModule module)
    {
        _clock.Restart();
        _edits.Clear();
        var current = module;
        bool progress = true;
        while (progress && !OutOfTime)
        {
            progress = false;
            foreach (var (kind, edit) in s_edits) progress |= Pass(ref current, kind, edit);
        }
        return current;
    }

    /// <summary>Applies <paramref name="edits"/> (as <see cref="Edits"/> lists them) to a copy of <paramref name="module"/>.</summary>
    public static GModule Replay(GModule module, IEnumerable<ShrinkEdit> edits)
    {
        var m = module.Clone();
        foreach (var e in edits)
        {
            var edit = Array.Find(s_edits, x => x.Kind == e.Kind).Apply ?? throw new ArgumentException($"unknown shrink edit '{e.Kind}'");
            if (!edit(m, e.Site)) throw new ArgumentException($"shrink edit {e} does not apply");
            NanCanonicalizer.Apply(m);
        }
        return m;
    }

    bool OutOfTime => _clock.Elapsed > budget;

    /// <summary>An edit: applies its <paramref name="site"/>-th instance to the module; false when there is no such site.</summary>
    delegate bool Edit(GModule module, int site);

    bool Pass(ref GModule current, string kind, Edit edit)
    {
        bool any = false;
        byte[]? currentBinary = TryEncode(current);
        for (int site = 0; !OutOfTime; )
        {
            var candidate = current.Clone();
            if (!edit(candidate, site)) break;
            NanCanonicalizer.Apply(candidate);   // an edit may bring a NaN to a place that sees its bits
            byte[]? binary = TryEncode(candidate);
            // An edit that changes nothing in the binary (or breaks it) is no progress: skip it.
            if (binary is null || (currentBinary is not null && binary.AsSpan().SequenceEqual(currentBinary) && SameCalls(candidate, current)))
            {
                site++;
                continue;
            }
            Attempts++;
            _edits.Add(new ShrinkEdit(kind, site));
            if (reproduces(candidate))
            {
                current = candidate;
                currentBinary = binary;
                Accepted++;
                any = true;   // the same site number now names the next place
            }
            else
            {
                _edits.RemoveAt(_edits.Count - 1);
                site++;
            }
        }
        return any;
    }

    static byte[]? TryEncode(GModule m)
    {
        try { return ModuleEmitter.Encode(m); }
        catch (EmitException) { return null; }
    }

    static bool SameCalls(GModule a, GModule b) =>
        a.Calls.Count == b.Calls.Count && a.Calls.Zip(b.Calls).All(p => p.First.Args.AsSpan().SequenceEqual(p.Second.Args)
            && a.Funcs.IndexOf(p.First.Func) == b.Funcs.IndexOf(p.Second.Func));

    // ---- Edits

    static bool RemoveCall(GModule m, int site)
    {
        if (site >= m.Calls.Count) return false;
        m.Calls.RemoveAt(site);
        return true;
    }

    /// <summary>Removes a function with its calls (the emitter refuses the result if anything else refers to it).</summary>
    static bool RemoveFunction(GModule m, int site)
    {
        if (site >= m.Funcs.Count) return false;
        var f = m.Funcs[site];
        m.Funcs.RemoveAt(site);
        m.Calls.RemoveAll(c => c.Func == f);
        if (m.Start == f) m.Start = null;
        foreach (var e in m.Elems) for (int i = 0; i < e.Items.Count; i++) if (e.Items[i] == f) e.Items[i] = null;
        return true;
    }

    /// <summary>Replaces a body by constants of its results (or <c>unreachable</c> when a result has no constant).</summary>
    static bool StubFunction(GModule m, int site)
    {
        int k = 0;
        foreach (var f in m.Funcs)
        {
            var stub = Constants(f.Type.Results) ?? [new GOp(Opcode.Unreachable, [], f.Type.Results)];
            bool stubbed = f.Body.Count == stub.Count && f.Body.All(n => n is GConst or GOp { Op: Opcode.Unreachable or Opcode.RefNull });
            if (stubbed || k++ != site) continue;
            f.Body.Clear();
            f.Body.AddRange(stub);
            return true;
        }
        return false;
    }

    /// <summary>Removes a node that leaves nothing (a statement), wherever it is.</summary>
    static bool RemoveNode(GModule m, int site)
    {
        int k = 0;
        foreach (var (list, i) in Sites(m))
        {
            var node = list[i];
            if (node.Results.Length != 0 || node is GFuelCheck) continue;
            if (k++ != site) continue;
            list.RemoveAt(i);
            return true;
        }
        return false;
    }

    /// <summary>
    /// Replaces a node that leaves values: by constants of its types (alternative 0), by the contents of a block
    /// without parameters (alternative 1, then 2 for an if's else arm), or by one of its operands of the same type.
    /// </summary>
    static bool ReplaceNode(GModule m, int site)
    {
        int k = 0;
        foreach (var (list, i) in Sites(m))
        {
            var node = list[i];
            if (node.Results.Length == 0 || node is GStacked) continue;
            var alternatives = Alternatives(node);
            if (site >= k + alternatives.Count) { k += alternatives.Count; continue; }
            var replacement = alternatives[site - k];
            list.RemoveAt(i);
            list.InsertRange(i, replacement);
            return true;
        }
        return false;
    }

    static List<List<GNode>> Alternatives(GNode node)
    {
        var result = new List<List<GNode>>();
        if (node is not (GConst or GOp { Op: Opcode.RefNull }) && Constants(node.Results) is { } constants) result.Add(constants);
        if (node is GBlock { Params.Length: 0 } b)
        {
            var inputs = b.Inputs.Select(n => (GNode)new GOp(Opcode.Drop, [n], [])).ToList();   // an if's condition, dropped
            result.Add([.. inputs, .. b.Body]);
            if (b.Else is { } els) result.Add([.. inputs, .. els]);
        }
        if (node is not GCanon && node.Results is [var t])
        {
            foreach (var children in node.ChildLists)
                foreach (var child in children)
                    if (child is not GStacked && child.Results is [var ct] && ct == t) result.Add([child]);
        }
        return result;
    }

    static bool SimplifyConstant(GModule m, int site)
    {
        int k = 0;
        foreach (var (list, i) in Sites(m))
        {
            if (list[i] is not GConst { Bits: not 0 } c) continue;
            if (k++ != site) continue;
            c.Bits = 0;
            return true;
        }
        return false;
    }

    static bool SimplifyArgument(GModule m, int site)
    {
        int k = 0;
        for (int ci = 0; ci < m.Calls.Count; ci++)
        {
            var args = m.Calls[ci].Args;
            for (int a = 0; a < args.Length; a++)
            {
                bool simplest = args[a].Type.IsNumeric ? args[a].Bits == 0 : args[a].IsNull || !args[a].Type.Nullable;
                if (simplest || k++ != site) continue;
                var copy = (ArgValue[])args.Clone();
                copy[a] = args[a].Type.IsNumeric ? args[a] with { Bits = 0 } : new ArgValue(args[a].Type);
                m.Calls[ci] = m.Calls[ci] with { Args = copy };
                return true;
            }
        }
        return false;
    }

    static bool EmptySegment(GModule m, int site)
    {
        int k = 0;
        for (int i = 0; i < m.Datas.Count; i++)
        {
            if (m.Datas[i].Bytes.Length == 0 || k++ != site) continue;
            m.Datas[i] = m.Datas[i] with { Bytes = [] };
            return true;
        }
        for (int i = 0; i < m.Elems.Count; i++)
        {
            if (m.Elems[i].Items.Count == 0 || k++ != site) continue;
            m.Elems[i].Items.Clear();
            return true;
        }
        return false;
    }

    /// <summary>Makes a global's initialiser the simplest constant of its type (which may free the function it named).</summary>
    static bool SimplifyGlobal(GModule m, int site)
    {
        int k = 0;
        for (int i = 0; i < m.Globals.Count; i++)
        {
            if (i == m.FuelGlobal || Constants([m.Globals[i].Type.Type]) is not [var simplest]) continue;
            bool already = m.Globals[i].Init is GConst { Bits: 0 } or GOp { Op: Opcode.RefNull };
            if (already || k++ != site) continue;
            m.Globals[i] = m.Globals[i] with { Init = simplest };
            return true;
        }
        return false;
    }

    // ---- Helpers

    /// <summary>Constants for the types (ref.null for nullable references), or null when a type has none.</summary>
    static List<GNode>? Constants(ValType[] types)
    {
        var nodes = new List<GNode>(types.Length);
        foreach (var t in types)
        {
            if (t.IsNumeric) nodes.Add(new GConst(t, 0));
            else if (t.IsRef && t.Nullable) nodes.Add(new GOp(Opcode.RefNull, [], [t], new GImm { Heap = t.Heap }));
            else return null;
        }
        return nodes;
    }

    /// <summary>Every node position of every function body, parents before children, in a fixed order.</summary>
    static IEnumerable<(List<GNode> List, int Index)> Sites(GModule m)
    {
        foreach (var f in m.Funcs)
            foreach (var site in Sites(f.Body)) yield return site;
    }

    static IEnumerable<(List<GNode> List, int Index)> Sites(List<GNode> list)
    {
        for (int i = 0; i < list.Count; i++)
        {
            yield return (list, i);
            if (i >= list.Count) yield break;   // the caller edited the list; it stops iterating anyway
            foreach (var children in list[i].ChildLists)
                foreach (var site in Sites(children)) yield return site;
        }
    }
}

/// <summary>One shrinking step: an edit kind and the site it applied to, written <c>kind:site</c>.</summary>
public readonly record struct ShrinkEdit(string Kind, int Site)
{
    public override string ToString() => $"{Kind}:{Site}";

    /// <summary>Parses a comma-separated list of <c>kind:site</c>.</summary>
    public static List<ShrinkEdit> ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(e =>
        {
            int colon = e.LastIndexOf(':');
            if (colon <= 0 || !int.TryParse(e[(colon + 1)..], out int site)) throw new FormatException($"'{e}' is not kind:site");
            return new ShrinkEdit(e[..colon], site);
        }).ToList();
}
