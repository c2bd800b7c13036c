using Hoist.Runtime.Fuzzing;
using Hoist.Wasm;

namespace Hoist.Tests.Fuzzing;

/// <summary>NaN canonicalisation only where bits become visible, and only for values that may be arithmetic NaNs.</summary>
public class NanCanonicalizerTests
{
    static GConst F32(uint bits) => new(ValType.F32, bits);
    static GOp Add(GNode a, GNode b) => new(Opcode.F32Add, [a, b], [ValType.F32]);
    static GOp Neg(GNode a) => new(Opcode.F32Neg, [a], [ValType.F32]);
    static GOp Store(GNode value) => new(Opcode.F32Store, [new GConst(ValType.I32, 0), value], [], new GImm { AlignLog2 = 2 });

    static GFunc Function(params GNode[] body)
    {
        var type = new GType([], [ValType.F32]);
        var f = new GFunc(type, 0);
        f.Body.AddRange(body);
        return f;
    }

    [Fact]
    public void ArithmeticReachingAStoreOrTheResultsIsCanonicalised()
    {
        var sum = Add(F32(0x7FA0_0000), F32(0x3F80_0000));
        var f = Function(Store(Neg(sum)), Neg(Add(F32(0), F32(0))));
        var m = new GModule();
        m.Types.Add(f.Type);
        m.Funcs.Add(f);
        NanCanonicalizer.Apply(m);

        var store = (GOp)f.Body[0];
        var canon = Assert.IsType<GCanon>(store.Args[1]);
        Assert.Equal(Opcode.F32Neg, ((GOp)canon.Value[0]).Op);   // the whole visible value, not the inner add
        Assert.Same(sum, ((GOp)canon.Value[0]).Args[0]);
        Assert.IsType<GCanon>(f.Body[1]);
        Assert.Equal(f.ScratchF32, canon.Scratch);
        Assert.Equal(ValType.F32, f.LocalType(f.ScratchF32));

        // Idempotent: a second pass changes nothing.
        string before = string.Join(',', f.Body.Select(n => n.GetType().Name));
        NanCanonicalizer.Apply(m);
        Assert.Equal(before, string.Join(',', f.Body.Select(n => n.GetType().Name)));
        Assert.IsType<GCanon>(store.Args[1]);
        Assert.IsNotType<GCanon>(((GCanon)store.Args[1]).Value[0]);
    }

    [Fact]
    public void ExactValuesAndIntermediateArithmeticStayAsTheyAre()
    {
        var nanConstant = Neg(F32(0x7F80_0001));   // neg of a constant NaN: exact bits, must stay uncanonicalised
        Assert.False(NanCanonicalizer.MayBeArithmeticNan(nanConstant));
        Assert.True(NanCanonicalizer.MayBeArithmeticNan(Add(F32(0), F32(0))));
        Assert.False(NanCanonicalizer.MayBeArithmeticNan(new GOp(Opcode.F32Load, [new GConst(ValType.I32, 0)], [ValType.F32])));
        Assert.True(NanCanonicalizer.MayBeArithmeticNan(new GOp(Opcode.LocalGet, [], [ValType.F32], new GImm { Index = 0 })));

        var inner = Add(F32(1), F32(2));
        var outer = Add(inner, F32(3));
        var f = Function(Store(nanConstant), outer);
        var m = new GModule();
        m.Types.Add(f.Type);
        m.Funcs.Add(f);
        NanCanonicalizer.Apply(m);
        Assert.Same(nanConstant, ((GOp)f.Body[0]).Args[1]);
        Assert.Same(inner, ((GOp)((GCanon)f.Body[1]).Value[0]).Args[0]);   // only the result is wrapped
    }
}
