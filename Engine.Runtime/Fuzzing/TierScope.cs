using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// The operators both tiers compile: every operator of opcodes.def whose proposal is one of <see cref="Features"/>
/// (the Baseline compiles all of them and rejects the rest with UnsupportedFeatureException; the Optimizing tier
/// targets the same set). The generator draws only from this scope, and coverage is measured against it.
/// </summary>
public static class TierScope
{
    /// <summary>The proposals whose operators are in scope: not SIMD, GC, exceptions, threads or wide arithmetic.</summary>
    public static readonly Feature[] Features =
        [Feature.Mvp, Feature.Signext, Feature.Satconv, Feature.Bulk, Feature.Reftypes, Feature.Tailcall, Feature.Funcrefs];

    public static bool Contains(Opcode op) => Array.IndexOf(Features, op.RequiredFeature()) >= 0;

    /// <summary>Every in-scope opcode, in table order.</summary>
    public static IReadOnlyList<Opcode> All { get; } =
        Enumerable.Range(0, OpcodeInfo.Count).Select(i => (Opcode)i).Where(Contains).ToArray();
}

/// <summary>Which opcodes a set of modules contained: counted from their encoded bodies and constant expressions.</summary>
public sealed class OpcodeCoverage
{
    readonly long[] _counts = new long[OpcodeInfo.Count];
    readonly OperatorBuffers _buffers = new();

    public long Count(Opcode op) => _counts[(int)op];

    /// <summary>Counts every operator of every function body and constant expression of a decoded module.</summary>
    public void Add(WasmModule module)
    {
        foreach (var body in module.Code) AddCode(body.Code.Span, constant: false);
        foreach (var g in module.Globals) AddCode(g.Init.Code.Span, constant: true);
        foreach (var e in module.Elements)
        {
            if (e.Offset is { } o) AddCode(o.Code.Span, constant: true);
            if (e.Exprs is { } xs) foreach (var x in xs) AddCode(x.Code.Span, constant: true);
        }
        foreach (var d in module.Data) if (d.Offset is { } o) AddCode(o.Code.Span, constant: true);
    }

    void AddCode(ReadOnlySpan<byte> code, bool constant)
    {
        var reader = constant ? OperatorReader.ForConstExpr(code, 0, _buffers) : OperatorReader.ForBody(code, 0, _buffers);
        var op = default(Operator);
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            _counts[(int)op.Opcode]++;
        }
    }

    public void Merge(OpcodeCoverage other)
    {
        for (int i = 0; i < _counts.Length; i++) _counts[i] += other._counts[i];
    }

    /// <summary>The in-scope opcodes never seen.</summary>
    public IReadOnlyList<Opcode> Missing => TierScope.All.Where(op => _counts[(int)op] == 0).ToArray();

    public int Covered => TierScope.All.Count - Missing.Count;

    public string Summary()
    {
        var missing = Missing;
        string line = $"{TierScope.All.Count - missing.Count}/{TierScope.All.Count} in-scope opcodes emitted";
        return missing.Count == 0 ? line : line + "; never: " + string.Join(' ', missing.Select(m => m.Mnemonic()));
    }
}
