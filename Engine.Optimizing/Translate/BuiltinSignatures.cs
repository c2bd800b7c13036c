using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Translate;

/// <summary>
/// The IR signatures of the runtime's builtins (<see cref="BuiltinId"/>; the C signatures are documented
/// there): System V convention, the caller's VMContext first, u32 arguments as i32, u64 and pointers as
/// i64; a TrapCode result is an i32 (0 = no trap).
/// </summary>
static class BuiltinSignatures
{
    const IrType I = IrType.I32, L = IrType.I64;

    static readonly Signature[] s_sigs = Build();

    static Signature[] Build()
    {
        var sigs = new Signature[Builtins.Count];
        void Def(BuiltinId id, IrType[] ps, IrType result) => sigs[(int)id] = new Signature(CallConv.SystemV, [L, .. ps], [result]);
        Def(BuiltinId.MemoryGrow, [I, L], L);
        Def(BuiltinId.MemoryFill, [I, L, I, L], I);
        Def(BuiltinId.MemoryCopy, [I, I, L, L, L], I);
        Def(BuiltinId.MemoryInit, [I, I, L, I, I], I);
        Def(BuiltinId.DataDrop, [I], I);
        Def(BuiltinId.TableGrow, [I, L, L], L);
        Def(BuiltinId.TableFill, [I, L, L, L], I);
        Def(BuiltinId.TableCopy, [I, I, L, L, L], I);
        Def(BuiltinId.TableInit, [I, I, L, I, I], I);
        Def(BuiltinId.ElemDrop, [I], I);
        Def(BuiltinId.IsSubtype, [I, L], I);
        Def(BuiltinId.OutOfFuelOrEpoch, [], I);
        foreach (var s in sigs) if (s is null) throw new InvalidOperationException("a builtin has no IR signature");
        return sigs;
    }

    public static Signature Of(BuiltinId id) => s_sigs[(int)id];
}
