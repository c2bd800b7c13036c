using System.Reflection;
using Hoist.Isa.X64;

namespace Hoist.Tests.Isa;

/// <summary>Every named ALU/shift wrapper (each overload) emits exactly what the generic operation does.</summary>
public class WrapperTests
{
    private static readonly Mem SomeMem = Mem.At(Gpr.R12, Gpr.R9, 4, 0x100);

    private static object Arg(Type t, int position) =>
        t == typeof(Width) ? Width.W64
        : t == typeof(Gpr) ? (position == 1 ? Gpr.R9 : Gpr.Rsi)
        : t == typeof(Mem) ? SomeMem
        : t == typeof(int) ? (object)1000
        : t == typeof(byte) ? (object)(byte)5
        : throw new InvalidOperationException($"no sample for {t}");

    private static byte[] Emit(MethodInfo method, object[] args)
    {
        var a = new MacroAssembler();
        method.Invoke(a, args);
        return a.Buffer.Code.ToArray();
    }

    [Theory]
    [InlineData("Add", AluOp.Add)]
    [InlineData("Sub", AluOp.Sub)]
    [InlineData("And", AluOp.And)]
    [InlineData("Or", AluOp.Or)]
    [InlineData("Xor", AluOp.Xor)]
    [InlineData("Cmp", AluOp.Cmp)]
    [InlineData("Adc", AluOp.Adc)]
    [InlineData("Sbb", AluOp.Sbb)]
    public void AluWrappers(string name, AluOp op) => CheckWrappers(name, "Alu", op);

    [Theory]
    [InlineData("Shl", ShiftOp.Shl)]
    [InlineData("Shr", ShiftOp.Shr)]
    [InlineData("Sar", ShiftOp.Sar)]
    [InlineData("Rol", ShiftOp.Rol)]
    [InlineData("Ror", ShiftOp.Ror)]
    public void ShiftWrappers(string name, ShiftOp op) => CheckWrappers(name, "Shift", op);

    private static void CheckWrappers(string name, string generic, object op)
    {
        MethodInfo[] wrappers = typeof(MacroAssembler).GetMethods().Where(m => m.Name == name).ToArray();
        Assert.NotEmpty(wrappers);
        foreach (MethodInfo w in wrappers)
        {
            Type[] types = w.GetParameters().Select(p => p.ParameterType).ToArray();
            MethodInfo g = typeof(MacroAssembler).GetMethod(generic, [op.GetType(), .. types])
                ?? throw new InvalidOperationException($"no {generic} overload for {w}");
            object[] args = types.Select(Arg).ToArray();
            byte[] expected = Emit(g, [op, .. args]);
            Assert.NotEmpty(expected);
            Assert.Equal(expected, Emit(w, args));
        }
    }
}
