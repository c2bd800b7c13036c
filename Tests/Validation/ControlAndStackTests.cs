using Hoist.Wasm;
using Hoist.Wasm.Binary;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>Blocks, branches, the polymorphic stack of unreachable code, select, calls and tail calls.</summary>
public class ControlAndStackTests
{
    static WasmModule F(Code c, ValType[]? results = null, ValType[]? parameters = null) => Func(parameters ?? [], results ?? [], c);

    [Fact]
    public void BlockResultsMustBeExactlyOnTheStack()
    {
        Valid(F(new Code().Block(Opcode.Block, I32).I32(1).End().End(), [I32]));
        var extra = Invalid(F(new Code().Block(Opcode.Block).I32(1).End().End()), "type mismatch");
        Assert.Equal("type mismatch: block requires [] but stack has [i32]", extra.Message);
        var missing = Invalid(F(new Code().Block(Opcode.Block, I32).End().Op(Opcode.Drop).End()), "type mismatch");
        Assert.Equal("type mismatch: instruction requires [i32] but stack has []", missing.Message);
        Invalid(F(new Code().I32(1).End()), "type mismatch");
        Invalid(F(new Code().End(), [I32]), "type mismatch");
    }

    [Fact]
    public void MultiValueBlocksTakeParametersFromTheEnclosingStack()
    {
        var m = new WasmModule();
        uint bt = m.AddFuncType([I32, I64], [I64]);
        m.AddFunc([], [I64], new Code().I32(1).I64(2).BlockOfType(Opcode.Block, bt).Op(Opcode.Drop).Op(Opcode.Drop).I64(3).End().End());
        Valid(m);
        var bad = new WasmModule();
        uint bt2 = bad.AddFuncType([I32, I64], [I64]);
        bad.AddFunc([], [I64], new Code().I64(1).I32(2).BlockOfType(Opcode.Block, bt2).Op(Opcode.Drop).End().End());
        Invalid(bad, "type mismatch");
        var unknown = new WasmModule();
        unknown.AddFunc([], [], new Code().BlockOfType(Opcode.Block, 9).End().End());
        Invalid(unknown, "unknown type");
    }

    [Fact]
    public void BranchToLoopCarriesItsParameters()
    {
        var m = new WasmModule();
        uint bt = m.AddFuncType([I32], [F32]);
        // (loop (param i32) (result f32) (br 0)) : the branch needs an i32, not an f32.
        m.AddFunc([], [F32], new Code().I32(0).BlockOfType(Opcode.Loop, bt).Op(Opcode.Br, 0).End().End());
        Valid(m);
        var bad = new WasmModule();
        uint bt2 = bad.AddFuncType([I32], [F32]);
        bad.AddFunc([], [F32], new Code().I32(0).BlockOfType(Opcode.Loop, bt2).Op(Opcode.Drop).F32(1).Op(Opcode.Br, 0).End().End());
        Invalid(bad, "type mismatch");
    }

    [Fact]
    public void IfWithoutElseMustMapParametersToResults()
    {
        Invalid(F(new Code().I32(1).Block(Opcode.If, I32).I32(1).End().End(), [I32]), "type mismatch");
        Valid(F(new Code().I32(1).Block(Opcode.If, I32).I32(1).Op(Opcode.Else).I32(2).End().End(), [I32]));
        var m = new WasmModule();
        uint bt = m.AddFuncType([I32], [I32]);
        m.AddFunc([], [I32], new Code().I32(5).I32(1).BlockOfType(Opcode.If, bt).End().End());
        Valid(m);
        Invalid(F(new Code().I32(1).Op(Opcode.Else).End()), "else found outside of an if block");
        Invalid(F(new Code().I64(1).Block(Opcode.If).End().End()), "type mismatch");
    }

    [Fact]
    public void BranchTargetsAndArity()
    {
        Invalid(F(new Code().Op(Opcode.Br, 1).End()), "unknown label 1");
        Valid(F(new Code().Block(Opcode.Block, I32).I32(1).I32(0).Op(Opcode.BrIf, 0).End().End(), [I32]));
        Invalid(F(new Code().Block(Opcode.Block, I32).I64(1).I32(0).Op(Opcode.BrIf, 0).Op(Opcode.Drop).I32(1).End().End(), [I32]), "type mismatch");
        // br_table: all targets must agree in arity; the default may be the function.
        Valid(F(new Code().Block(Opcode.Block, I32).I32(7).I32(0).BrTable(1, 0).End().End(), [I32]));
        Invalid(F(new Code().Block(Opcode.Block).Block(Opcode.Block, I32).I32(7).I32(0).BrTable(1, 0).End().End().End()), "type mismatch");
        Invalid(F(new Code().Block(Opcode.Block).I32(0).BrTable(0, 2).End().End()), "unknown label 2");
        // In unreachable code the operands are unknown but the arities must still agree.
        Valid(F(new Code().Block(Opcode.Block, F32).Block(Opcode.Block, I32).Op(Opcode.Unreachable).BrTable(0, 1).End().Op(Opcode.Drop).F32(0).End().Op(Opcode.Drop).End()));
        Invalid(F(new Code().Block(Opcode.Block).Block(Opcode.Block, I32).Op(Opcode.Unreachable).BrTable(0, 1).End().Op(Opcode.Drop).End().End()), "type mismatch");
    }

    [Fact]
    public void ReturnPopsTheFunctionResults()
    {
        Valid(F(new Code().I64(1).Op(Opcode.Return).End(), [I64]));
        Invalid(F(new Code().I32(1).Op(Opcode.Return).End(), [I64]), "type mismatch");
    }

    // unreached-valid.wast / unreached-invalid.wast
    [Fact]
    public void UnreachableCodeHasAPolymorphicStack()
    {
        Valid(F(new Code().Op(Opcode.Unreachable).Op(Opcode.I32Add).End(), [I32]));
        Valid(F(new Code().Op(Opcode.Unreachable).I64(0).Op(Opcode.I64Eqz).End(), [I32]));
        Valid(F(new Code().Op(Opcode.Unreachable).Op(Opcode.Select).Op(Opcode.RefIsNull).Op(Opcode.Drop).End()));
        Valid(F(new Code().Op(Opcode.Unreachable).I64(0).I32(0).Op(Opcode.Select).End(), [I64]));
        // Known operands are still typed, and values left over are still too many.
        Invalid(F(new Code().Op(Opcode.Unreachable).I64(0).Op(Opcode.I32Add).End(), [I32]), "type mismatch");
        Invalid(F(new Code().Op(Opcode.Unreachable).I64(0).I32(0).Op(Opcode.Select).End(), [I32]), "type mismatch");
        Invalid(F(new Code().Op(Opcode.Unreachable).Op(Opcode.Select).End()), "type mismatch");
        Invalid(F(new Code().Op(Opcode.Unreachable).I32(0).Op(Opcode.I32Add).End()), "type mismatch");
        // The polymorphism ends with the frame.
        Invalid(F(new Code().Block(Opcode.Block).Op(Opcode.Unreachable).End().Op(Opcode.I32Eqz).Op(Opcode.Drop).End()), "type mismatch");
    }

    [Fact]
    public void UntypedSelectOnlyTakesNumericOrVectorOperands()
    {
        Valid(F(new Code().F64(1).F64(2).I32(0).Op(Opcode.Select).End(), [F64]));
        Invalid(F(new Code().I32(1).I64(2).I32(0).Op(Opcode.Select).Op(Opcode.Drop).End()), "type mismatch");
        Invalid(F(new Code().Heap(Opcode.RefNull, HeapType.Func).Heap(Opcode.RefNull, HeapType.Func).I32(0).Op(Opcode.Select).Op(Opcode.Drop).End()), "type mismatch");
        Valid(F(new Code().Heap(Opcode.RefNull, HeapType.Func).Heap(Opcode.RefNull, HeapType.Func).I32(0).SelectTyped(ValType.FuncRef).Op(Opcode.Drop).End()));
        Invalid(F(new Code().I32(1).I32(1).I32(0).SelectTyped(I32, I32).Op(Opcode.Drop).End()), "invalid result arity");
        Invalid(F(new Code().I32(1).I32(1).I32(0).SelectTyped().Op(Opcode.Drop).End()), "invalid result arity");
    }

    [Fact]
    public void CallsPopParametersAndPushResults()
    {
        var m = new WasmModule();
        uint callee = m.AddFunc([I32, F64], [I64], new Code().I64(0).End());
        m.AddFunc([], [I64], new Code().I32(1).F64(2).Op(Opcode.Call, callee).End());
        Valid(m);
        var bad = new WasmModule();
        uint c2 = bad.AddFunc([I32, F64], [I64], new Code().I64(0).End());
        bad.AddFunc([], [I64], new Code().F64(2).I32(1).Op(Opcode.Call, c2).End());
        Invalid(bad, "type mismatch");
        Invalid(F(new Code().Op(Opcode.Call, 5).End()), "unknown function 5");
    }

    [Fact]
    public void CallIndirectNeedsAFunctionTableOfTheRightAddressType()
    {
        WasmModule Make(ValType element, bool table64, Code code)
        {
            var m = new WasmModule();
            uint t = m.AddFuncType([I32], []);
            m.Tables.Add(new TableDef(new TableType(element, new Limits(1, null, table64)), null));
            m.AddFunc(t, code);
            return m;
        }
        Valid(Make(ValType.FuncRef, false, new Code().I32(1).I32(0).Op(Opcode.CallIndirect, 0, 0).End()));
        Valid(Make(ValType.FuncRef, true, new Code().I32(1).I64(0).Op(Opcode.CallIndirect, 0, 0).End()));
        Invalid(Make(ValType.FuncRef, true, new Code().I32(1).I32(0).Op(Opcode.CallIndirect, 0, 0).End()), "type mismatch");
        Invalid(Make(ValType.ExternRef, false, new Code().I32(1).I32(0).Op(Opcode.CallIndirect, 0, 0).End()), "type mismatch");
        Invalid(Make(ValType.FuncRef, false, new Code().I32(1).I32(0).Op(Opcode.CallIndirect, 0, 1).End()), "unknown table 1");
        Invalid(Make(ValType.FuncRef, false, new Code().I32(1).I32(0).Op(Opcode.CallIndirect, 7, 0).End()), "unknown type 7");
    }

    [Fact]
    public void TailCallResultsMustMatchTheCallersResults()
    {
        var m = new WasmModule();
        uint callee = m.AddFunc([], [Ref(HeapType.Eq)], new Code().I32(0).Op(Opcode.RefI31).End());
        m.AddFunc([], [ValType.AnyRef], new Code().Op(Opcode.ReturnCall, callee).End());
        Valid(m);
        var bad = new WasmModule();
        uint c2 = bad.AddFunc([], [ValType.AnyRef], new Code().Heap(Opcode.RefNull, HeapType.Any).End());
        bad.AddFunc([], [Ref(HeapType.Eq)], new Code().Op(Opcode.ReturnCall, c2).End());
        Invalid(bad, "type mismatch");
        // What follows a tail call is unreachable.
        var after = new WasmModule();
        uint c3 = after.AddFunc([], [I32], new Code().I32(0).End());
        after.AddFunc([], [I32], new Code().Op(Opcode.ReturnCall, c3).Op(Opcode.I64Eqz).End());
        Valid(after);
    }

    [Fact]
    public void CallRefTakesANullableReferenceToTheType()
    {
        var m = new WasmModule();
        uint t = m.AddFuncType([I32], [I32]);
        m.AddFunc([Ref(t, nullable: true)], [I32], new Code().I32(1).Op(Opcode.LocalGet, 0).Op(Opcode.CallRef, t).End());
        m.AddFunc([Ref(t)], [I32], new Code().I32(1).Op(Opcode.LocalGet, 0).Op(Opcode.ReturnCallRef, t).End());
        Valid(m);
        var bad = new WasmModule();
        uint t2 = bad.AddFuncType([I32], [I32]);
        bad.AddFunc([ValType.FuncRef], [I32], new Code().I32(1).Op(Opcode.LocalGet, 0).Op(Opcode.CallRef, t2).End());
        Invalid(bad, "type mismatch");
        // unreached-valid.wast: call_ref on an unknown operand.
        var poly = new WasmModule();
        uint t3 = poly.AddFuncType([], []);
        poly.AddFunc(t3, new Code().Op(Opcode.Unreachable).Op(Opcode.CallRef, t3).End());
        Valid(poly);
    }
}
