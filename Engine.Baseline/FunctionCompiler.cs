using Hoist.Compiler;
using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;

namespace Hoist.Baseline;

/// <summary>
/// Compiles one wasm function body to x86-64 in a single forward pass, with no IR: for each operator the
/// <see cref="FuncValidator"/> validates it first (so compiling never needs a second walk over the body),
/// then the compiler emits its code at once. One instance compiles many functions in turn (one thread at a
/// time) and reuses all its buffers, so compiling allocates nothing per operator.
/// </summary>
/// <remarks>
/// <para><b>Value stack.</b> The wasm operand stack is mirrored by a stack of lazy <see cref="Entry"/>s:
/// a constant, a register, a local (a reference to a local's slot, materialised only when needed and
/// before that local is written), a spilled frame slot, or a pending comparison in the CPU flags. An
/// operator pops its operands, folds constants into x86 immediates and slots into memory operands where
/// the instruction allows, reuses a consumed operand's register for its result, and pushes the result.</para>
/// <para><b>Registers</b> are allocated on the fly from a free set of caller-saved registers (GPR: rax, rcx,
/// rdx, rsi, rdi, r8, r9, r10; XMM: xmm0-xmm14); when none is free the oldest register entry of the
/// value stack is spilled to its slot. r11 and xmm15 are scratch registers, never allocated: they carry
/// values only inside the emission of one operator. No callee-saved register is used, so the prologue
/// saves only rbp and r14.</para>
/// <para><b>Frame</b> (rbp-relative, fixed for the whole function; see <see cref="Abi"/>): saved r14 at
/// [rbp-8], then one 8-byte slot per local (parameters passed in registers are stored there on entry;
/// parameters passed on the stack stay where the caller put them, at [rbp+16+offset]), one scratch slot,
/// then one 8-byte slot per value-stack position (the <i>canonical slot</i> of position p), and at the
/// bottom, rsp-relative, the outgoing area for stack arguments and return areas of calls. rsp does not
/// move after the prologue, whose frame size is patched in once the body is compiled.</para>
/// <para><b>Control flow</b> (the Winch approach): when a block, loop or if opens, every entry on the
/// value stack is spilled to its canonical slot (constants stay constants), and the frame's values at its
/// label (results at the end of a block or if, parameters at the head of a loop) travel in the canonical
/// slots of their positions. So every branch only has to store the values it carries into those slots
/// and jump, and all the paths that meet at a label agree. A block's end whose label no branch
/// targeted keeps its results where they are (no merge, no stores). Branches to the function frame are
/// returns. A comparison leaves its result in the flags when a br_if, if or select consumes it next.</para>
/// <para><b>Calls</b> follow <see cref="Abi"/> via <see cref="AbiSignature"/>: live registers are spilled,
/// arguments go to their registers (a parallel move that breaks cycles with the scratch register) and to
/// the outgoing area, and r14 is reloaded from [rbp-8] after every call, because a callee in the same
/// instance may have tail-called into another instance whose VMContext it returns with. Tail calls
/// replace the frame: arguments are staged in the outgoing area, then copied over the incoming
/// argument area (resized for the callee, which pops its own), and the return address moved down.</para>
/// <para><b>Memories</b> are bounds-checked explicitly (effective address + offset + size against the
/// length in the VMContext, in 64-bit arithmetic that cannot overflow). Bulk memory, table and grow
/// operations call runtime builtins (C ABI), which report traps through their return value.</para>
/// <para><b>Traps</b> jump to out-of-line stubs (<see cref="MacroAssembler.TrapIf"/>). Every operator's code
/// is tagged with its wasm offset (<see cref="CodeBuffer.SetSourceLocation"/>).</para>
/// <para><b>Interruption</b> (when <see cref="CompileInput"/> asks): at function entry and at every loop head,
/// fuel is decremented by one (so it bounds calls plus loop iterations) and the epoch counter compared with
/// the deadline; the slow path calls the <see cref="BuiltinId.OutOfFuelOrEpoch"/> builtin.</para>
/// <para>Unreachable code (after br, return, unreachable...) is validated but not compiled. SIMD, GC and
/// exception-handling operators (and v128 values) throw <see cref="UnsupportedFeatureException"/>, naming
/// the operator and its feature. The code needs SSE4.1 and POPCNT (see <see cref="Hoist.Isa.X64.X64Features"/>).</para>
/// </remarks>
internal sealed partial class FunctionCompiler
{
    const string CompilerName = "baseline";

    readonly ModuleEnv _env;
    readonly FuncValidator _validator;
    readonly OperatorBuffers _buffers = new();
    readonly MacroAssembler _masm;

    // The function being compiled.
    uint _funcIndex;
    FuncType _type = null!;
    AbiSignature _sig = null!;
    int _bodyOffset;

    public FunctionCompiler(ModuleEnv env)
    {
        _env = env;
        _validator = new FuncValidator(env.Context);
        _masm = new MacroAssembler(new CodeBuffer(16 * 1024));
    }

    /// <summary>Compiles defined function <paramref name="definedIndex"/> (0 = the first function that is not imported).</summary>
    public MachineCode Compile(int definedIndex)
    {
        FunctionBody body = _env.Module.Code[definedIndex];
        _funcIndex = (uint)(_env.ImportedFunctions + definedIndex);
        uint typeIndex = _env.FuncTypes[_funcIndex];
        _type = _env.FuncType(typeIndex);
        _sig = _env.Signature(typeIndex);
        _bodyOffset = Math.Max(body.BodyOffset, 0);

        _masm.Reset();
        ResetState();
        _validator.Begin(_funcIndex, body);
        SetUpLocals(_validator.Locals);
        EmitPrologue();
        PushControl(ControlKind.Function, default, _type.Results, height: 0);

        var reader = OperatorReader.ForBody(body.Code.Span, _bodyOffset, _buffers);
        var op = default(Operator);
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            _validator.Validate(op);
            if (_unreachable) { SkipUnreachable(op); continue; }
            _masm.SetSourceLocation((uint)op.Offset);
            Emit(op);
        }
        _validator.Finish(reader.Offset);

        _masm.SetSourceLocation(SourceLoc.None);
        EmitDeferred();
        PatchFrameSize();
        return _masm.Finish();
    }

    /// <summary>In unreachable code only the nesting matters: find the <c>else</c> or <c>end</c> that makes code live again.</summary>
    void SkipUnreachable(in Operator op)
    {
        switch (op.Opcode)
        {
            case Opcode.Block: case Opcode.Loop: case Opcode.If: case Opcode.Try: case Opcode.TryTable:
                _deadNesting++;
                break;
            case Opcode.Else:
                if (_deadNesting == 0) { _masm.SetSourceLocation((uint)op.Offset); Else(); }
                break;
            case Opcode.End:
                if (_deadNesting > 0) _deadNesting--;
                else { _masm.SetSourceLocation((uint)op.Offset); End(); }
                break;
            default:
                if (!IsSupported(op.Opcode)) Unsupported(op);
                break;
        }
    }

    static bool IsSupported(Opcode op) =>
        op.RequiredFeature() is not (Feature.Simd or Feature.Relaxedsimd or Feature.Gc or Feature.Exceptions
            or Feature.Legacyexceptions or Feature.Threads or Feature.Widearith);

    void Unsupported(in Operator op) =>
        throw new UnsupportedFeatureException(CompilerName, op.Opcode, SourceLocation.AtOffset(op.Offset));

    /// <summary>Emits one reachable operator.</summary>
    void Emit(in Operator op)
    {
        Opcode code = op.Opcode;
        // A comparison left in the flags survives only into the operators that can branch or select on it.
        if (_sp > 0 && _stack[_sp - 1].Kind == EntryKind.Flags
            && code is not (Opcode.BrIf or Opcode.If or Opcode.Select or Opcode.SelectTyped or Opcode.I32Eqz or Opcode.Drop))
        {
            MaterializeFlags();
        }

        switch (code)
        {
            // ---- Control.
            case Opcode.Unreachable: _masm.Trap(TrapCode.Unreachable); SetUnreachable(); break;
            case Opcode.Nop: break;
            case Opcode.Block: EnterBlock(ControlKind.Block, op); break;
            case Opcode.Loop: EnterBlock(ControlKind.Loop, op); break;
            case Opcode.If: EnterIf(op); break;
            case Opcode.Else: Else(); break;
            case Opcode.End: End(); break;
            case Opcode.Br: Br(op.Index); break;
            case Opcode.BrIf: BrIf(op.Index); break;
            case Opcode.BrTable: BrTable(op); break;
            case Opcode.Return: Return(); break;
            case Opcode.BrOnNull: BrOnNull(op.Index); break;
            case Opcode.BrOnNonNull: BrOnNonNull(op.Index); break;

            // ---- Calls.
            case Opcode.Call: CallDirect(op.Index, tail: false); break;
            case Opcode.ReturnCall: CallDirect(op.Index, tail: true); break;
            case Opcode.CallIndirect: CallIndirect(op.Index, op.Index2, tail: false); break;
            case Opcode.ReturnCallIndirect: CallIndirect(op.Index, op.Index2, tail: true); break;
            case Opcode.CallRef: CallRef(op.Index, tail: false); break;
            case Opcode.ReturnCallRef: CallRef(op.Index, tail: true); break;

            // ---- Parametric and variables.
            case Opcode.Drop: Drop(); break;
            case Opcode.Select: case Opcode.SelectTyped: Select(); break;
            case Opcode.LocalGet: LocalGet(op.Index); break;
            case Opcode.LocalSet: LocalSet(op.Index, tee: false); break;
            case Opcode.LocalTee: LocalSet(op.Index, tee: true); break;
            case Opcode.GlobalGet: GlobalGet(op.Index); break;
            case Opcode.GlobalSet: GlobalSet(op.Index); break;

            // ---- Constants.
            case Opcode.I32Const: PushConst(ValKind.I32, (uint)op.Bits); break;
            case Opcode.I64Const: PushConst(ValKind.I64, op.Bits); break;
            case Opcode.F32Const: PushConst(ValKind.F32, (uint)op.Bits); break;
            case Opcode.F64Const: PushConst(ValKind.F64, op.Bits); break;

            // ---- References and tables.
            case Opcode.RefNull: PushConst(ValKind.Ref, 0); break;
            case Opcode.RefIsNull: RefIsNull(); break;
            case Opcode.RefFunc: RefFunc(op.Index); break;
            case Opcode.RefAsNonNull: RefAsNonNull(); break;
            case Opcode.TableGet: TableGet(op.Index); break;
            case Opcode.TableSet: TableSet(op.Index); break;
            case Opcode.TableSize: TableSize(op.Index); break;
            case Opcode.TableGrow: TableGrow(op.Index); break;
            case Opcode.TableFill: TableFill(op.Index); break;
            case Opcode.TableCopy: TableCopy(op.Index, op.Index2); break;
            case Opcode.TableInit: TableInit(op.Index, op.Index2); break;
            case Opcode.ElemDrop: SegmentDrop(BuiltinId.ElemDrop, op.Index); break;

            // ---- Memory.
            case Opcode.MemorySize: MemorySize(op.Index); break;
            case Opcode.MemoryGrow: MemoryGrow(op.Index); break;
            case Opcode.MemoryFill: MemoryFill(op.Index); break;
            case Opcode.MemoryCopy: MemoryCopy(op.Index, op.Index2); break;
            case Opcode.MemoryInit: MemoryInit(op.Index, op.Index2); break;
            case Opcode.DataDrop: SegmentDrop(BuiltinId.DataDrop, op.Index); break;

            default:
                if (!IsSupported(code)) Unsupported(op);
                if (code.Immediates() == ImmediateKind.MemArg) MemoryAccess(op);
                else EmitNumeric(code);
                break;
        }
    }
}
