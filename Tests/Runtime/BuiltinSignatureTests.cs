using System.Reflection;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Translate;
using Hoist.Runtime.Builtins;
using Hoist.Vm;

namespace Hoist.Tests.Runtime;

/// <summary>
/// <see cref="Builtins.Signature"/>, the one table of the builtins' C signatures: it covers every
/// <see cref="BuiltinId"/>, agrees with the runtime's actual entry points, and the optimizing tier's IR
/// signatures are derived from it.
/// </summary>
public class BuiltinSignatureTests
{
    // Where the runtime implements each builtin (BuiltinTable installs these methods).
    private static MethodInfo EntryPoint(BuiltinId id)
    {
        (Type type, string name) = id switch
        {
            BuiltinId.MemoryGrow => (typeof(MemoryBuiltins), "Grow"),
            BuiltinId.MemoryFill => (typeof(MemoryBuiltins), "Fill"),
            BuiltinId.MemoryCopy => (typeof(MemoryBuiltins), "Copy"),
            BuiltinId.MemoryInit => (typeof(MemoryBuiltins), "Init"),
            BuiltinId.DataDrop => (typeof(MemoryBuiltins), "DataDrop"),
            BuiltinId.TableGrow => (typeof(TableBuiltins), "Grow"),
            BuiltinId.TableFill => (typeof(TableBuiltins), "Fill"),
            BuiltinId.TableCopy => (typeof(TableBuiltins), "Copy"),
            BuiltinId.TableInit => (typeof(TableBuiltins), "Init"),
            BuiltinId.ElemDrop => (typeof(TableBuiltins), "ElemDrop"),
            BuiltinId.IsSubtype => (typeof(ControlBuiltins), "IsSubtype"),
            BuiltinId.OutOfFuelOrEpoch => (typeof(ControlBuiltins), "OutOfFuelOrEpoch"),
            _ => throw new InvalidOperationException($"the test does not know where {id} is implemented"),
        };
        return type.GetMethod(name, BindingFlags.Public | BindingFlags.Static) ?? throw new InvalidOperationException($"{type.Name}.{name} is missing");
    }

    private static Type ClrType(BuiltinValue v) => v switch
    {
        BuiltinValue.VmContext or BuiltinValue.Pointer => typeof(nint),
        BuiltinValue.U32 or BuiltinValue.TrapCode => typeof(uint),
        BuiltinValue.U64 => typeof(ulong),
        _ => throw new ArgumentOutOfRangeException(nameof(v)),
    };

    [Fact]
    public void EveryBuiltinHasASignatureThatMatchesItsEntryPoint()
    {
        BuiltinId[] ids = Enum.GetValues<BuiltinId>();
        Assert.Equal(Builtins.Count, ids.Length);
        foreach (BuiltinId id in ids)
        {
            BuiltinSignature sig = Builtins.Signature(id);
            Assert.Equal(BuiltinValue.VmContext, sig.Params[0]);
            MethodInfo m = EntryPoint(id);
            Assert.NotNull(m.GetCustomAttribute<System.Runtime.InteropServices.UnmanagedCallersOnlyAttribute>());
            Assert.Equal(sig.Params.Select(ClrType), m.GetParameters().Select(p => p.ParameterType));
            Assert.Equal(ClrType(sig.Result), m.ReturnType);
        }
        Assert.Throws<IndexOutOfRangeException>(() => Builtins.Signature((BuiltinId)Builtins.Count));
    }

    [Fact]
    public void TheIrSignaturesAreTheCSignaturesInIrTypes()
    {
        foreach (BuiltinId id in Enum.GetValues<BuiltinId>())
        {
            BuiltinSignature c = Builtins.Signature(id);
            Signature ir = BuiltinSignatures.Of(id);
            IrType[] expectedParams = [.. c.Params.Select(v => v is BuiltinValue.U32 or BuiltinValue.TrapCode ? IrType.I32 : IrType.I64)];
            Assert.Equal(new Signature(CallConv.SystemV, expectedParams, [c.Result is BuiltinValue.U64 ? IrType.I64 : IrType.I32]), ir);
        }
    }
}
