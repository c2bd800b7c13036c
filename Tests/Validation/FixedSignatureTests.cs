using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>
/// Every operator with a fixed signature in opcodes.def, through the one table-driven typing path:
/// with operands of the right types it validates, with a wrong first operand it is a type mismatch,
/// on an i64 memory its address operands are i64.
/// </summary>
public class FixedSignatureTests
{
    public static IEnumerable<object[]> FixedOpcodes() =>
        Enumerable.Range(0, OpcodeInfo.Count).Select(i => (Opcode)i).Where(o => o.HasFixedSignature()).Select(o => new object[] { o });

    static Code Push(Code c, ValType t) => t.Kind switch
    {
        ValKind.I32 => c.I32(0), ValKind.I64 => c.I64(0), ValKind.F32 => c.F32(0), ValKind.F64 => c.F64(0), _ => c.V128(),
    };

    static ValType Resolve(SigType s, bool addr64) => s switch
    {
        SigType.I32 => I32, SigType.I64 => I64, SigType.F32 => F32, SigType.F64 => F64, SigType.V128 => ValType.V128,
        _ => addr64 ? I64 : I32,
    };

    static void WriteOperator(Code c, Opcode op)
    {
        switch (op.Immediates())
        {
            case ImmediateKind.None: c.Op(op); break;
            case ImmediateKind.I32: c.I32(1); break;
            case ImmediateKind.I64: c.I64(1); break;
            case ImmediateKind.F32: c.F32(1); break;
            case ImmediateKind.F64: c.F64(1); break;
            case ImmediateKind.V128: c.V128(); break;
            case ImmediateKind.MemArg: c.Mem(op, (uint)op.NaturalAlignmentLog2()); break;
            case ImmediateKind.MemArgLane: c.MemLane(op, (uint)op.NaturalAlignmentLog2(), 0); break;
            case ImmediateKind.Lane: c.Lane(op, 1); break;
            case ImmediateKind.Shuffle: c.Shuffle(0, 1, 2, 3, 4, 5, 6, 7, 31, 30, 29, 28, 27, 26, 25, 24); break;
            case ImmediateKind.Memory: case ImmediateKind.Data: case ImmediateKind.Elem: c.Op(op, 0); break;
            case ImmediateKind.ZeroByte: c.Op(op).Raw(0); break;
            default: throw new InvalidOperationException($"no sample immediates for {op}");
        }
    }

    /// <summary>A module with one memory, one data segment, one element segment and a function running <paramref name="op"/>.</summary>
    static WasmModule ModuleFor(Opcode op, bool addr64, int wrongOperand)
    {
        var parameters = op.Params();
        var c = new Code();
        for (int i = 0; i < parameters.Length; i++)
        {
            ValType t = Resolve(parameters[i], addr64);
            if (i == wrongOperand) t = t.Kind == ValKind.F64 ? I32 : F64;
            Push(c, t);
        }
        WriteOperator(c, op);
        for (int i = 0; i < op.Results().Length; i++) c.Op(Opcode.Drop);
        c.End();
        var m = Func([], [], c);
        m.Memories.Add(new MemoryType(new Limits(1, 1, Is64: addr64, Shared: true)));
        m.Data.Add(new DataSegment(SegmentMode.Passive, 0, null, new byte[4]));
        m.DataCount = 1;
        m.Elements.Add(new ElementSegment(SegmentMode.Passive, ValType.FuncRef, 0, null, [], null));
        return m;
    }

    [Theory]
    [MemberData(nameof(FixedOpcodes))]
    public void ValidWithOperandsOfTheSignature(Opcode op)
    {
        Valid(ModuleFor(op, addr64: false, wrongOperand: -1), FeatureSet.All);
        Valid(ModuleFor(op, addr64: true, wrongOperand: -1), FeatureSet.All);
    }

    [Theory]
    [MemberData(nameof(FixedOpcodes))]
    public void TypeMismatchWithAWrongOperand(Opcode op)
    {
        if (op.Params().Length == 0) return;
        Invalid(ModuleFor(op, addr64: false, wrongOperand: 0), "type mismatch", FeatureSet.All);
        if (op.Params()[0] == SigType.Addr)
        {
            // An i32 address on an i64 memory is a mismatch too.
            var m = ModuleFor(op, addr64: true, wrongOperand: -1);
            var i32Addr = ModuleFor(op, addr64: false, wrongOperand: -1);
            m.Code[0] = i32Addr.Code[0];
            Invalid(m, "type mismatch", FeatureSet.All);
        }
    }

    [Fact]
    public void MismatchMessageListsRequiredAndActualTypes()
    {
        var e = Invalid(Func([], [], new Code().I64(1).I32(2).Op(Opcode.I32Add).Op(Opcode.Drop).End()), "type mismatch");
        Assert.Equal("type mismatch: instruction requires [i32 i32] but stack has [i64 i32]", e.Message);
        var empty = Invalid(Func([], [], new Code().I32(2).Op(Opcode.I32Add).Op(Opcode.Drop).End()), "type mismatch");
        Assert.Equal("type mismatch: instruction requires [i32 i32] but stack has [i32]", empty.Message);
    }

    [Fact]
    public void ErrorsCarryTheOperatorsOffset()
    {
        var m = Func([], [], new Code().I32(1).Op(Opcode.F32Neg).End());
        m.Code[0] = m.Code[0] with { BodyOffset = 100 };
        var e = Invalid(m, "type mismatch");
        Assert.Equal(102, e.Location.Offset);
    }
}
