using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Translate;

/// <summary>
/// The IR signatures of the runtime's builtins, derived from their C signatures (<see cref="Builtins.Signature"/>,
/// the one table): System V convention, u32 (and a TrapCode result, 0 = no trap) as i32, u64 and pointers
/// (the VMContext included) as i64.
/// </summary>
static class BuiltinSignatures
{
    static readonly Signature[] s_sigs = Build();

    static Signature[] Build()
    {
        var sigs = new Signature[Builtins.Count];
        for (int i = 0; i < sigs.Length; i++)
        {
            BuiltinSignature c = Builtins.Signature((BuiltinId)i);
            sigs[i] = new Signature(CallConv.SystemV, [.. c.Params.Select(IrTypeOf)], [IrTypeOf(c.Result)]);
        }
        return sigs;
    }

    /// <summary>The IR type that carries a builtin value in an integer register.</summary>
    public static IrType IrTypeOf(BuiltinValue v) => v switch
    {
        BuiltinValue.U32 or BuiltinValue.TrapCode => IrType.I32,
        BuiltinValue.U64 or BuiltinValue.Pointer or BuiltinValue.VmContext => IrType.I64,
        _ => throw new ArgumentOutOfRangeException(nameof(v), v, null),
    };

    public static Signature Of(BuiltinId id) => s_sigs[(int)id];
}
