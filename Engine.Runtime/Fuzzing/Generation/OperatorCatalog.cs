using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// The operators the generator draws from, derived once from the opcode table (opcodes.def), never listed by
/// hand: every in-scope operator with a fixed signature over numbers, grouped by what it produces; loads and
/// stores by value type. The scope is the tiers' (<see cref="TierScope"/>).
/// </summary>
public static class OperatorCatalog
{
    static readonly Dictionary<ValKind, Opcode[]> s_producers = [];
    static readonly Dictionary<ValKind, Opcode[]> s_loads = [];
    static readonly Opcode[] s_stores;

    static OperatorCatalog()
    {
        var producers = new Dictionary<ValKind, List<Opcode>>();
        var loads = new Dictionary<ValKind, List<Opcode>>();
        var stores = new List<Opcode>();
        for (int i = 0; i < OpcodeInfo.Count; i++)
        {
            var op = (Opcode)i;
            if (!TierScope.Contains(op) || !op.HasFixedSignature()) continue;
            var results = op.Results();
            if (op.Immediates() == ImmediateKind.MemArg)
            {
                if (results.Length == 1) Add(loads, ToKind(results[0]), op);
                else stores.Add(op);
                continue;
            }
            if (op.Immediates() != ImmediateKind.None || results.Length != 1) continue;
            bool numeric = true;
            foreach (var p in op.Params()) numeric &= p is not (SigType.Addr or SigType.V128);
            if (numeric && results[0] is not (SigType.Addr or SigType.V128)) Add(producers, ToKind(results[0]), op);
        }
        foreach (var (k, v) in producers) s_producers[k] = [.. v];
        foreach (var (k, v) in loads) s_loads[k] = [.. v];
        s_stores = [.. stores];

        static void Add(Dictionary<ValKind, List<Opcode>> map, ValKind k, Opcode op)
        {
            if (!map.TryGetValue(k, out var list)) map[k] = list = [];
            list.Add(op);
        }
    }

    /// <summary>Operators with no immediate that take numbers and produce one value of kind <paramref name="result"/> (arithmetic, comparisons, conversions).</summary>
    public static ReadOnlySpan<Opcode> Producers(ValKind result) => s_producers.TryGetValue(result, out var a) ? a : [];

    /// <summary>The loads that produce a value of kind <paramref name="result"/>.</summary>
    public static ReadOnlySpan<Opcode> Loads(ValKind result) => s_loads.TryGetValue(result, out var a) ? a : [];

    /// <summary>Every store.</summary>
    public static ReadOnlySpan<Opcode> Stores => s_stores;

    /// <summary>The value type of a signature type; <see cref="SigType.Addr"/> is the given address type.</summary>
    public static ValType ToValType(SigType t, ValType address) => t switch
    {
        SigType.I32 => ValType.I32,
        SigType.I64 => ValType.I64,
        SigType.F32 => ValType.F32,
        SigType.F64 => ValType.F64,
        SigType.V128 => ValType.V128,
        _ => address,
    };

    static ValKind ToKind(SigType t) => t switch
    {
        SigType.I32 => ValKind.I32,
        SigType.I64 => ValKind.I64,
        SigType.F32 => ValKind.F32,
        SigType.F64 => ValKind.F64,
        _ => ValKind.V128,
    };

    /// <summary>
    /// True when a float result may be a NaN whose sign and payload the spec leaves open (the arithmetic
    /// operators); false for the operators that move bits exactly (abs, neg, copysign, reinterpret) and for those
    /// that never produce a NaN (conversions from integers). Only these need <see cref="GCanon"/>.
    /// </summary>
    public static bool MayProduceArithmeticNan(Opcode op)
    {
        var results = op.Results();
        if (results.Length != 1 || results[0] is not (SigType.F32 or SigType.F64)) return false;
        string m = op.Mnemonic();
        if (m.EndsWith(".abs", StringComparison.Ordinal) || m.EndsWith(".neg", StringComparison.Ordinal)
            || m.EndsWith(".copysign", StringComparison.Ordinal) || m.Contains(".reinterpret_", StringComparison.Ordinal)) return false;
        foreach (var p in op.Params()) if (p is SigType.F32 or SigType.F64) return true;
        return false;
    }
}
