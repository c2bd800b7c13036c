using Hoist.Vm;

namespace Hoist.Isa.X64;

/// <summary>
/// The x86-64 assembler both compilers emit through. One instance assembles one function at a time into
/// its <see cref="CodeBuffer"/>; <see cref="Finish"/> yields the <see cref="MachineCode"/> and
/// <see cref="Reset"/> readies it for the next function without allocating.
/// </summary>
/// <remarks>
/// <para>Encoding: every listed operation is encoded by hand (MacroAssembler.Encoding.cs) and checked in the
/// tests against Iced's decoder and Capstone; anything else goes through Iced's <c>Encoder</c> with
/// <see cref="Emit(in Iced.Intel.Instruction)"/>. Hand encoding is one generic routine for the
/// "[prefixes] [REX] opcode ModRM [SIB] [disp] [imm]" shape that all the listed operations share, SSE
/// included, so it costs no more code to cover float-heavy functions at full speed than to cover only the
/// integer forms (the Isa benchmark measures both paths).</para>
/// <para>Operand order is Intel's: destination first. Integer operations take a <see cref="Width"/>;
/// operations that have no 8-bit form throw for <see cref="Width.W8"/>, and immediates must fit the width.
/// Invalid operands are compiler bugs and throw <see cref="ArgumentException"/>s, never emit bad code.</para>
/// <para>Traps: see <see cref="TrapIf"/>.</para>
/// </remarks>
public sealed partial class MacroAssembler
{
    private readonly CodeBuffer _buf;

    // Trap stubs waiting to be emitted after the function body (see TrapIf).
    private readonly List<DeferredTrap> _deferredTraps = [];

    private readonly record struct DeferredTrap(Label Label, TrapCode Code, uint SourceLocation);

    public MacroAssembler(CodeBuffer? buffer = null, TrapStubStyle trapStubStyle = TrapStubStyle.CallHandler)
    {
        _buf = buffer ?? new CodeBuffer();
        TrapStubStyle = trapStubStyle;
    }

    public CodeBuffer Buffer => _buf;

    public TrapStubStyle TrapStubStyle { get; }

    /// <summary>The offset of the next instruction.</summary>
    public int Offset => _buf.Length;

    /// <summary>Forgets the function being assembled (see <see cref="CodeBuffer.Reset"/>).</summary>
    public void Reset()
    {
        _buf.Reset();
        _deferredTraps.Clear();
    }

    /// <summary>
    /// Emits the deferred trap stubs, then the constant pool, and returns the finished code. Pool padding is
    /// int3. Call <see cref="Reset"/> before assembling the next function.
    /// </summary>
    public MachineCode Finish()
    {
        foreach (DeferredTrap trap in _deferredTraps)
        {
            _buf.Bind(trap.Label);
            _buf.SetSourceLocation(trap.SourceLocation);
            EmitTrapStub(trap.Code);
        }
        _deferredTraps.Clear();
        return _buf.Finish(0xCC);
    }

    // ---- Labels, constants, source locations ----

    public Label NewLabel() => _buf.NewLabel();

    /// <summary>Binds <paramref name="label"/> here (see <see cref="CodeBuffer.Bind"/>).</summary>
    public void Bind(Label label) => _buf.Bind(label);

    /// <summary>Code emitted from now on implements the wasm instruction at <paramref name="wasmOffset"/>.</summary>
    public void SetSourceLocation(uint wasmOffset) => _buf.SetSourceLocation(wasmOffset);

    /// <summary>A RIP-relative operand on a pooled 4-byte constant.</summary>
    public Mem Const32(uint bits) => Mem.Rip(_buf.Constant32(bits));

    /// <summary>A RIP-relative operand on a pooled 8-byte constant.</summary>
    public Mem Const64(ulong bits) => Mem.Rip(_buf.Constant64(bits));

    /// <summary>A RIP-relative operand on a pooled 16-byte constant (16-byte aligned, so SSE ops may use it directly).</summary>
    public Mem Const128(ulong lo, ulong hi) => Mem.Rip(_buf.Constant128(lo, hi));

    public Mem ConstF32(float value) => Const32(BitConverter.SingleToUInt32Bits(value));
    public Mem ConstF64(double value) => Const64(BitConverter.DoubleToUInt64Bits(value));
}
