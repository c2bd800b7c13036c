using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>The streaming interface a one-pass compiler drives: state between operators, reuse, constant mode.</summary>
public class FuncValidatorApiTests
{
    /// <summary>Reads and validates the next operator; returns its opcode.</summary>
    static Opcode Step(ref OperatorReader r, FuncValidator v)
    {
        var op = default(Operator);
        r.Read(ref op);
        v.Validate(op);
        return op.Opcode;
    }

    [Fact]
    public void ExposesOperandsFramesAndLabelsBetweenOperators()
    {
        var m = new WasmModule();
        uint bt = m.AddFuncType([I32], [I64]);
        m.AddFunc([F32], [I64], new Code()
            .I32(1)
            .BlockOfType(Opcode.Block, bt)
            .Op(Opcode.I64ExtendI32U)
            .Block(Opcode.Loop)
            .Op(Opcode.Unreachable)
            .End()
            .End()
            .End(), new LocalGroup(2, ValType.ExternRef));
        var ctx = ModuleValidator.ValidateModule(m);
        var v = new FuncValidator(ctx);
        v.Begin(0, m.Code[0]);
        Assert.Equal(new[] { F32, ValType.ExternRef, ValType.ExternRef }, v.Locals.ToArray());
        Assert.Equal(new[] { I64 }, v.Results.ToArray());
        var r = OperatorReader.ForBody(m.Code[0].Code.Span, 0);

        Step(ref r, v);                                 // i32.const 1
        Assert.Equal(I32, v.Peek(0));
        Assert.Equal(1, v.OperandHeight);

        Step(ref r, v);                                 // block (type bt)
        Assert.Equal(2, v.ControlDepth);
        Assert.Equal(FrameKind.Block, v.Frame(0).Kind);
        Assert.Equal(0, v.Frame(0).Height);
        Assert.Equal(new[] { I32 }, v.FrameParams(0).ToArray());
        Assert.Equal(new[] { I64 }, v.FrameResults(0).ToArray());
        Assert.Equal(I32, v.Peek(0));

        Step(ref r, v);                                 // i64.extend_i32_u
        Assert.Equal(I64, v.Peek(0));

        Step(ref r, v);                                 // loop
        Assert.Equal(FrameKind.Loop, v.Frame(0).Kind);
        Assert.True(v.Frame(0).LabelIsParams);
        Assert.Equal(1, v.Frame(0).Height);
        Assert.True(v.LabelTypes(0).IsEmpty);
        Assert.Equal(new[] { I64 }, v.LabelTypes(1).ToArray());
        Assert.Equal(new[] { I64 }, v.LabelTypes(2).ToArray());
        Assert.False(v.IsUnreachable);

        Step(ref r, v);                                 // unreachable
        Assert.True(v.IsUnreachable);
        Assert.True(v.Frame(0).Unreachable);
        Assert.True(v.Peek(0).IsBottom());
        Assert.Equal(1, v.OperandHeight);

        Step(ref r, v);                                 // end (loop)
        Assert.False(v.IsUnreachable);
        Assert.Equal(I64, v.Peek(0));
        Step(ref r, v);                                 // end (block)
        Assert.Equal(1, v.ControlDepth);
        Assert.Equal(I64, v.Peek(0));
        Step(ref r, v);                                 // end (function)
        Assert.Equal(0, v.ControlDepth);
        Assert.True(r.AtEnd);
        v.Finish(r.Offset);
    }

    [Fact]
    public void PeekBelowAReachableFrameIsAnError()
    {
        var m = Func([], [], new Code().End());
        var v = new FuncValidator(ModuleValidator.ValidateModule(m));
        v.Begin(0, m.Code[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Peek(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => v.Frame(1));
    }

    [Fact]
    public void OneValidatorServesManyFunctions()
    {
        var m = new WasmModule();
        m.AddFunc([], [I32], new Code().I32(1).Block(Opcode.Block).Op(Opcode.Unreachable).End().End());
        m.AddFunc([Ref(HeapType.Extern)], [], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.LocalSet, 1).End(), new LocalGroup(1, Ref(HeapType.Extern)));
        m.AddFunc([], [], new Code().Op(Opcode.LocalGet, 0).Op(Opcode.Drop).End(), new LocalGroup(1, Ref(HeapType.Extern)));
        var ctx = ModuleValidator.ValidateModule(m);
        var v = new FuncValidator(ctx);
        ModuleValidator.ValidateFunction(ctx, 0, v);
        ModuleValidator.ValidateFunction(ctx, 1, v);
        // Function 1 initialised its local 1; function 2's local 0 is a fresh, uninitialised one.
        var e = Assert.Throws<ValidationException>(() => ModuleValidator.ValidateFunction(ctx, 2, v));
        Assert.StartsWith("uninitialized local", e.Message);
        ModuleValidator.ValidateFunction(ctx, 0, v);
    }

    [Fact]
    public void FinishRequiresTheFinalEnd()
    {
        var m = Func([], [], new Code().End());
        var v = new FuncValidator(ModuleValidator.ValidateModule(m));
        v.Begin(0, [], 0);
        var e = Assert.Throws<MalformedException>(() => v.Finish(0));
        Assert.StartsWith("END opcode expected", e.Message);
    }

    [Fact]
    public void ConstantModeAllowsOnlyConstantOperators()
    {
        var m = new WasmModule();
        m.Imports.Add(new Import("m", "g", ImportDesc.ForGlobal(new GlobalType(I32, false))));
        m.Imports.Add(new Import("m", "h", ImportDesc.ForGlobal(new GlobalType(I32, true))));
        var v = new FuncValidator(ModuleValidator.ValidateModule(m));
        ModuleValidator.ValidateConstExpr(v, Const(new Code().Op(Opcode.GlobalGet, 0).I32(2).Op(Opcode.I32Mul).End()), I32, 2);
        Assert.StartsWith("unknown global 0", Assert.Throws<ValidationException>(() =>
            ModuleValidator.ValidateConstExpr(v, Const(new Code().Op(Opcode.GlobalGet, 0).End()), I32, 0)).Message);
        Assert.StartsWith("constant expression required", Assert.Throws<ValidationException>(() =>
            ModuleValidator.ValidateConstExpr(v, Const(new Code().Op(Opcode.GlobalGet, 1).End()), I32, 2)).Message);
        Assert.StartsWith("constant expression required", Assert.Throws<ValidationException>(() =>
            ModuleValidator.ValidateConstExpr(v, Const(new Code().Block(Opcode.Block).End().I32(0).End()), I32, 2)).Message);
        Assert.StartsWith("type mismatch", Assert.Throws<ValidationException>(() =>
            ModuleValidator.ValidateConstExpr(v, Const(new Code().F32(0).End()), I32, 2)).Message);
    }
}

/// <summary>Validation allocates nothing per operator once its buffers have grown.</summary>
public class FuncValidatorAllocationTests
{
    [Fact]
    public void ASecondPassOverTheSameBodiesAllocatesNothing()
    {
        var m = new WasmModule();
        uint st = m.AddType(new StructType([new FieldType(I32, true), new FieldType(ValType.AnyRef, false)]));
        uint bt = m.AddFuncType([I32], [I32]);
        m.Memories.Add(new MemoryType(new Limits(1, null)));
        m.Tags.Add(new TagType(m.AddFuncType([I32], [])));
        var c = new Code();
        for (int i = 0; i < 50; i++)
        {
            c.Block(Opcode.Block, I32).I32(i).BlockOfType(Opcode.Loop, bt).I32(1).Op(Opcode.I32Add).Op(Opcode.LocalTee, 0)
                .Op(Opcode.LocalGet, 0).Op(Opcode.BrIf, 1).End()
                .Op(Opcode.LocalGet, 0).Mem(Opcode.I32Load, 2, 8).Op(Opcode.I32Add).Op(Opcode.LocalGet, 0).BrTable(0, 0, 0, 0).End()
                .Op(Opcode.LocalGet, 0).Heap(Opcode.RefNull, HeapType.Any).Op(Opcode.StructNew, st).Op(Opcode.StructGet, st, 0).Op(Opcode.I32Mul)
                .Op(Opcode.Drop)
                .TryTable(null, new CatchClause(CatchKind.CatchAll, 0, 0)).I32(1).Op(Opcode.Throw, 0).End()
                .V128().V128().Op(Opcode.I32x4Add).Lane(Opcode.I32x4ExtractLane, 3).Op(Opcode.LocalSet, 0);
        }
        m.AddFunc([I32], [], c.End());
        var ctx = ModuleValidator.ValidateModule(m);
        var v = new FuncValidator(ctx);
        var buffers = new OperatorBuffers();
        ModuleValidator.ValidateFunction(ctx, 0, v, buffers);
        long before = GC.GetAllocatedBytesForCurrentThread();
        ModuleValidator.ValidateFunction(ctx, 0, v, buffers);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
