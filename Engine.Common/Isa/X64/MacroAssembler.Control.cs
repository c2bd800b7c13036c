using Hoist.Vm;

namespace Hoist.Isa.X64;

// Branches, calls, traps and padding.
public sealed partial class MacroAssembler
{
    // ---- Branches to labels ----

    /// <summary><c>jmp label</c>; see <see cref="JumpDistance"/> for the choice of rel8 or rel32.</summary>
    public void Jmp(Label target, JumpDistance distance = JumpDistance.Auto)
    {
        int start = _buf.Length;
        if (UseShort(target, start + 2, distance))
        {
            Bytes(0xEB, 2);
            _buf.UseLabel(target, start + 1, start + 2, FixupKind.Rel8);
        }
        else
        {
            Bytes(0xE9, 5);
            _buf.UseLabel(target, start + 1, start + 5, FixupKind.Rel32);
        }
    }

    /// <summary><c>jcc label</c>; see <see cref="JumpDistance"/> for the choice of rel8 or rel32.</summary>
    public void Jcc(Cond cond, Label target, JumpDistance distance = JumpDistance.Auto)
    {
        int start = _buf.Length;
        if (UseShort(target, start + 2, distance))
        {
            Bytes(0x70u + (uint)cond, 2);
            _buf.UseLabel(target, start + 1, start + 2, FixupKind.Rel8);
        }
        else
        {
            Bytes(0x80_0Fu + ((uint)cond << 8), 6);
            _buf.UseLabel(target, start + 2, start + 6, FixupKind.Rel32);
        }
    }

    /// <summary>Whether to emit the rel8 form; validates the label and, for a bound one, the reach of a forced rel8 (before anything is emitted).</summary>
    private bool UseShort(Label target, int shortEnd, JumpDistance distance)
    {
        int t = _buf.LabelOffset(target);
        bool reaches = t >= 0 && t - shortEnd >= sbyte.MinValue; // bound labels are behind us, so only the lower bound matters
        if (distance == JumpDistance.Short && t >= 0 && !reaches)
            throw new InvalidOperationException($"short branch at offset {shortEnd - 2} cannot reach {target} at offset {t}");
        return distance == JumpDistance.Auto ? reaches : distance == JumpDistance.Short;
    }

    /// <summary>
    /// A 4-byte jump-table entry <c>target - table</c> (the table label bound at the table's start); dispatch
    /// with <c>lea t, [rip+table]; movsxd i, [t+i*4]; add t, i; jmp t</c>.
    /// </summary>
    public void JumpTableEntry(Label target, Label table) => _buf.EmitLabelDelta32(target, table);

    // ---- Indirect branches, calls, return ----

    public void Jmp(Gpr target) => RR(0xFF, 4, (int)target);
    public void Jmp(Mem target) => RM(0xFF, 4, target);

    /// <summary><c>call reg</c>; records a call site.</summary>
    public void Call(Gpr target)
    {
        RR(0xFF, 2, (int)target);
        _buf.AddCallSite(_buf.Length);
    }

    /// <summary><c>call [mem]</c>; records a call site.</summary>
    public void Call(Mem target)
    {
        RM(0xFF, 2, target);
        _buf.AddCallSite(_buf.Length);
    }

    /// <summary><c>call rel32</c> to a function or libcall the linker resolves; records the relocation and a call site.</summary>
    public void Call(RelocTarget target)
    {
        int start = _buf.Length;
        Bytes(0xE8, 5);
        _buf.AddRelocation(start + 1, RelocKind.PcRel32, target);
        _buf.AddCallSite(start + 5);
    }

    /// <summary><c>mov dst, imm64</c> holding the absolute address of <paramref name="target"/> (an Abs64 relocation).</summary>
    public void MovAddress(Gpr dst, RelocTarget target)
    {
        OpReg(0xB8 | Enc.RexW, (int)dst, 0, 8);
        _buf.AddRelocation(_buf.Length - 8, RelocKind.Abs64, target);
    }

    /// <summary><c>jmp rel32</c> to a function the linker resolves (a tail call); records the relocation (no call site).</summary>
    public void Jmp(RelocTarget target)
    {
        int start = _buf.Length;
        Bytes(0xE9, 5);
        _buf.AddRelocation(start + 1, RelocKind.PcRel32, target);
    }

    public void Ret() => Bytes(0xC3, 1);

    /// <summary>
    /// <c>ret</c>, or <c>ret imm16</c> that also pops <paramref name="popBytes"/> bytes of stack arguments
    /// (0..65535; more is a compiler bug and throws).
    /// </summary>
    public void Ret(int popBytes)
    {
        if (popBytes == 0) { Ret(); return; }
        if ((uint)popBytes > ushort.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(popBytes), popBytes, "ret imm16 pops at most 65535 bytes");
        Bytes(0xC2u | ((uint)popBytes << 8), 3);
    }

    /// <summary><c>leave</c>: <c>mov rsp, rbp; pop rbp</c>.</summary>
    public void Leave() => Bytes(0xC9, 1);

    /// <summary><c>rep stosq</c>: stores rax at [rdi], rcx times, upwards (the direction flag is clear by the ABI); advances rdi, zeroes rcx.</summary>
    public void RepStosq() => Bytes(0xAB_48_F3, 3);

    // ---- Traps ----

    /// <summary>
    /// Traps with <paramref name="code"/> if <paramref name="cond"/> holds: a <c>jcc rel32</c> to an out-of-line
    /// stub emitted after the function body by <see cref="Finish"/>.
    /// </summary>
    /// <remarks>
    /// Form chosen: one stub per trap site (consecutive sites with the same code and wasm offset share one),
    /// placed after the body, as Cranelift does. The fall-through path costs one not-taken branch and no stub
    /// bytes in the hot code; a stub per site (rather than one shared stub per code) keeps the exact wasm
    /// offset of the trapping instruction, which the runtime reports in the trap's backtrace. The stub is, per
    /// <see cref="TrapStubStyle"/>, a 5-byte <c>call</c> to the runtime's trap handler, whose return address is
    /// the recorded trap site (the handler needs no code in a register: it looks the code up in
    /// <see cref="MachineCode.TryGetTrap"/>), or a 2-byte <c>ud2</c> for a runtime that catches SIGILL. Note
    /// that the call pushes a return address (the stack-limit check must leave room for it) and that the handler
    /// is entered with whatever stack alignment the trapping code had.
    /// </remarks>
    public void TrapIf(Cond cond, TrapCode code) => Jcc(cond, DeferTrap(code), JumpDistance.Near);

    /// <summary>
    /// Traps unconditionally (<c>unreachable</c>). With <see cref="TrapStubStyle.Ud2"/> it is an inline ud2; with
    /// <see cref="TrapStubStyle.CallHandler"/> a <c>jmp</c> to an out-of-line stub, so that a trap-handler return
    /// address never coincides with an instruction of the body that <see cref="MarkTrapSite"/> may have recorded.
    /// </summary>
    public void Trap(TrapCode code)
    {
        if (TrapStubStyle == TrapStubStyle.Ud2) EmitTrapStub(code);
        else Jmp(DeferTrap(code), JumpDistance.Near);
    }

    /// <summary>Records that the next instruction may fault with <paramref name="code"/> (guard-page memories).</summary>
    public void MarkTrapSite(TrapCode code) => _buf.AddTrapSite(_buf.Length, code);

    private Label DeferTrap(TrapCode code)
    {
        if (code == TrapCode.None) throw new ArgumentException("TrapCode.None is not a trap", nameof(code));
        uint location = _buf.SourceLocation;
        if (_deferredTraps.Count > 0)
        {
            DeferredTrap last = _deferredTraps[^1];
            if (last.Code == code && last.SourceLocation == location) return last.Label;
        }
        Label label = _buf.NewLabel();
        _deferredTraps.Add(new DeferredTrap(label, code, location));
        return label;
    }

    private void EmitTrapStub(TrapCode code)
    {
        if (TrapStubStyle == TrapStubStyle.Ud2)
        {
            _buf.AddTrapSite(_buf.Length, code);
            Ud2();
        }
        else
        {
            int start = _buf.Length;
            Bytes(0xE8, 5);
            _buf.AddRelocation(start + 1, RelocKind.PcRel32, RelocTarget.TrapHandler);
            _buf.AddTrapSite(start + 5, code);
        }
    }

    // ---- Single instructions and padding ----

    public void Ud2() => Bytes(0x0B_0F, 2);
    public void Int3() => Bytes(0xCC, 1);

    // The recommended multi-byte nops (Intel SDM, NOP), 1 to 9 bytes; row n-1 holds the n-byte form.
    private static ReadOnlySpan<byte> NopTable =>
    [
        0x90, 0, 0, 0, 0, 0, 0, 0, 0,
        0x66, 0x90, 0, 0, 0, 0, 0, 0, 0,
        0x0F, 0x1F, 0x00, 0, 0, 0, 0, 0, 0,
        0x0F, 0x1F, 0x40, 0x00, 0, 0, 0, 0, 0,
        0x0F, 0x1F, 0x44, 0x00, 0x00, 0, 0, 0, 0,
        0x66, 0x0F, 0x1F, 0x44, 0x00, 0x00, 0, 0, 0,
        0x0F, 0x1F, 0x80, 0x00, 0x00, 0x00, 0x00, 0, 0,
        0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00, 0,
        0x66, 0x0F, 0x1F, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00,
    ];

    /// <summary>Emits <paramref name="size"/> bytes of no-ops, as few instructions as possible (at most 9 bytes each).</summary>
    public void Nop(int size = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        while (size > 0)
        {
            int n = Math.Min(size, 9);
            _buf.EmitBytes(NopTable.Slice((n - 1) * 9, n));
            size -= n;
        }
    }

    /// <summary>Pads with no-ops to a multiple of <paramref name="alignment"/> (a power of two), e.g. before a loop head.</summary>
    public void Align(int alignment)
    {
        if (alignment <= 0 || (alignment & (alignment - 1)) != 0)
            throw new ArgumentOutOfRangeException(nameof(alignment), alignment, "alignment must be a power of two");
        Nop(-_buf.Length & (alignment - 1));
    }
}
