using Hoist.Isa.X64;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Baseline;

// Loads, stores and the memory operators. Bounds checks are explicit: the access of `size` bytes at
// address + offset is in bounds iff address + offset + size <= the memory's current length (read from the
// VMContext, so it sees memory.grow). The sum is formed in 64 bits: for a 32-bit memory it cannot overflow
// (< 2^33 + 8); for a 64-bit memory the addition's carry traps too.
// Guarded memories (CompileInput.GuardBytes, guard pages) skip the check when offset + size fits in the
// guard: the access is at base + zext32(address) + offset, which is either in bounds or faults in the
// memory's reservation (the runtime turns the fault into the trap). The zero extension is explicit
// (mov r32, r32): the sandbox must not depend on the upper half of an i32 register.
// Every instruction that accesses linear memory is a trap site (MemoryOutOfBounds) at its first byte,
// guarded or not, so a fault there is always a recognised wasm trap.
internal sealed partial class FunctionCompiler
{
    void MemoryAccess(in Operator op)
    {
        Opcode code = op.Opcode;
        int size = 1 << code.NaturalAlignmentLog2();
        bool store = code.Results().Length == 0;
        if (!store)
        {
            Entry address = Pop();
            Mem m = EffectiveAddress(op.MemArg, size, ref address, out Gpr reuse);
            Load(code, m, reuse);
            return;
        }

        Entry value = Pop();
        // The value goes to a register (or stays an immediate) before r11 is taken by the address.
        bool imm = value.Kind == EntryKind.Const && (size <= 4 || FitsImm32(value));
        if (!imm && value.Kind != EntryKind.Reg)
        {
            if (value.IsFloat) ToXmm(ref value); else ToGpr(ref value);
        }
        Entry addr = Pop();
        Mem dst = EffectiveAddress(op.MemArg, size, ref addr, out Gpr spare);
        if (spare != Gpr.R11) FreeGpr(spare);
        Width w = size switch { 1 => Width.W8, 2 => Width.W16, 4 => Width.W32, _ => Width.W64 };
        _masm.MarkTrapSite(TrapCode.MemoryOutOfBounds);
        if (imm)
        {
            long bits = (long)value.Bits;
            int narrowed = size switch { 1 => (byte)bits, 2 => (ushort)bits, _ => (int)bits };
            _masm.MovImm(w, dst, narrowed);
        }
        else if (value.IsFloat)
        {
            if (value.Type == ValKind.F64) _masm.Movsd(dst, value.Xmm); else _masm.Movss(dst, value.Xmm);
        }
        else _masm.Mov(w, dst, value.Gpr);
        Free(value);
    }

    void Load(Opcode code, Mem m, Gpr reuse)
    {
        ValKind kind = code.Results()[0] switch
        {
            SigType.I32 => ValKind.I32, SigType.I64 => ValKind.I64, SigType.F32 => ValKind.F32, _ => ValKind.F64,
        };
        if (kind is ValKind.F32 or ValKind.F64)
        {
            if (reuse != Gpr.R11) FreeGpr(reuse);
            Xmm x = AllocXmm();
            _masm.MarkTrapSite(TrapCode.MemoryOutOfBounds);
            if (kind == ValKind.F64) _masm.Movsd(x, m); else _masm.Movss(x, m);
            PushXmm(kind, x);
            return;
        }
        Gpr d = reuse != Gpr.R11 ? reuse : AllocGpr();
        _masm.MarkTrapSite(TrapCode.MemoryOutOfBounds);
        switch (code)
        {
            case Opcode.I32Load: _masm.Mov(Width.W32, d, m); break;
            case Opcode.I64Load: _masm.Mov(Width.W64, d, m); break;
            case Opcode.I32Load8S: _masm.Movsx(Width.W32, d, Width.W8, m); break;
            case Opcode.I32Load8U: case Opcode.I64Load8U: _masm.Movzx(Width.W32, d, Width.W8, m); break;
            case Opcode.I32Load16S: _masm.Movsx(Width.W32, d, Width.W16, m); break;
            case Opcode.I32Load16U: case Opcode.I64Load16U: _masm.Movzx(Width.W32, d, Width.W16, m); break;
            case Opcode.I64Load8S: _masm.Movsx(Width.W64, d, Width.W8, m); break;
            case Opcode.I64Load16S: _masm.Movsx(Width.W64, d, Width.W16, m); break;
            case Opcode.I64Load32S: _masm.Movsx(Width.W64, d, Width.W32, m); break;
            case Opcode.I64Load32U: _masm.Mov(Width.W32, d, m); break;
            default: throw new InvalidOperationException($"{code.Mnemonic()} is not a load");
        }
        PushGpr(kind, d);
    }

    /// <summary>
    /// Bounds-checks an access of <paramref name="size"/> bytes at the popped <paramref name="address"/> +
    /// the static offset and returns its memory operand, based on r11. <paramref name="spare"/> is a register
    /// the caller now owns (the address's, no longer needed) or r11 if there is none.
    /// </summary>
    Mem EffectiveAddress(MemArg arg, int size, ref Entry address, out Gpr spare)
    {
        (bool indirect, int offset) = _env.Offsets.Memory(arg.Memory);
        bool is64 = _env.Memories[arg.Memory].Limits.Is64;
        Gpr record = Gpr.R14;
        int recordDisp = offset;
        spare = Gpr.R11;
        if (indirect)
        {
            // An imported memory: the {base, length} record is the exporter's.
            record = AllocGpr();
            _masm.Mov(Width.W64, record, Mem.At(Gpr.R14, offset));
            recordDisp = 0;
        }
        Mem length = Mem.At(record, recordDisp + VmOffsets.MemoryLength);
        Mem memBase = Mem.At(record, recordDisp + VmOffsets.MemoryBase);
        ulong limit = ulong.MaxValue - (ulong)size;
        ulong guard = is64 ? 0 : _env.Input.GuardBytes(arg.Memory);
        Mem result;

        if (guard > 0 && arg.Offset <= int.MaxValue && arg.Offset + (ulong)size <= guard)
        {
            // Guarded: no check (see the file comment).
            if (address.Kind == EntryKind.Const)
            {
                ulong ea = (uint)address.Bits + arg.Offset;
                if (ea <= int.MaxValue)
                {
                    _masm.Mov(Width.W64, Scratch, memBase);
                    result = Mem.At(Scratch, (int)ea);
                }
                else
                {
                    _masm.MovImm(Width.W64, Scratch, (long)ea);
                    _masm.Add(Width.W64, Scratch, memBase);
                    result = Mem.At(Scratch);
                }
            }
            else
            {
                Gpr a = ToGpr(ref address);
                spare = a;
                _masm.Mov(Width.W32, Scratch, a);
                _masm.Add(Width.W64, Scratch, memBase);
                result = Mem.At(Scratch, (int)arg.Offset);
            }
        }
        else if (address.Kind == EntryKind.Const)
        {
            ulong a = is64 ? address.Bits : (uint)address.Bits;
            if (a > limit || arg.Offset > limit - a)
            {
                _masm.Trap(TrapCode.MemoryOutOfBounds);
                result = Mem.At(Scratch);
            }
            else
            {
                ulong end = a + arg.Offset + (ulong)size;
                if (end <= int.MaxValue)
                {
                    _masm.Cmp(Width.W64, length, (int)end);
                    _masm.TrapIf(Cond.Below, TrapCode.MemoryOutOfBounds);
                }
                else
                {
                    _masm.MovImm(Width.W64, Scratch, (long)end);
                    _masm.Cmp(Width.W64, Scratch, length);
                    _masm.TrapIf(Cond.Above, TrapCode.MemoryOutOfBounds);
                }
                ulong ea = end - (ulong)size;
                if (ea <= int.MaxValue)
                {
                    _masm.Mov(Width.W64, Scratch, memBase);
                    result = Mem.At(Scratch, (int)ea);
                }
                else
                {
                    _masm.MovImm(Width.W64, Scratch, (long)ea);
                    _masm.Add(Width.W64, Scratch, memBase);
                    result = Mem.At(Scratch);
                }
            }
        }
        else
        {
            Gpr a = ToGpr(ref address);
            spare = a;
            if (arg.Offset > limit)
            {
                _masm.Trap(TrapCode.MemoryOutOfBounds);
            }
            else
            {
                ulong k = arg.Offset + (ulong)size;
                if (!is64 && k <= int.MaxValue) _masm.Lea(Width.W64, Scratch, Mem.At(a, (int)k));
                else
                {
                    if (k <= int.MaxValue)
                    {
                        _masm.Mov(Width.W64, Scratch, a);
                        _masm.Add(Width.W64, Scratch, (int)k);
                    }
                    else
                    {
                        _masm.MovImm(Width.W64, Scratch, (long)k);
                        _masm.Add(Width.W64, Scratch, a);
                    }
                    if (is64) _masm.TrapIf(Cond.Carry, TrapCode.MemoryOutOfBounds);
                }
                _masm.Cmp(Width.W64, Scratch, length);
                _masm.TrapIf(Cond.Above, TrapCode.MemoryOutOfBounds);
                _masm.Add(Width.W64, Scratch, memBase);
            }
            result = Mem.At(Scratch, -size);
        }
        if (indirect) FreeGpr(record);
        return result;
    }

    // ---- memory.size, memory.grow and the bulk operators.

    void MemorySize(uint memory)
    {
        Limits limits = _env.Memories[memory].Limits;
        (bool indirect, int offset) = _env.Offsets.Memory(memory);
        Gpr r = AllocGpr();
        if (indirect)
        {
            _masm.Mov(Width.W64, Scratch, Mem.At(Gpr.R14, offset));
            _masm.Mov(Width.W64, r, Mem.At(Scratch, VmOffsets.MemoryLength));
        }
        else _masm.Mov(Width.W64, r, Mem.At(Gpr.R14, offset + VmOffsets.MemoryLength));
        if (limits.PageSizeLog2 > 0) _masm.Shr(Width.W64, r, (byte)limits.PageSizeLog2);
        PushGpr(limits.Is64 ? ValKind.I64 : ValKind.I32, r);
    }

    void MemoryGrow(uint memory)
    {
        Entry delta = Pop();
        CallBuiltin(BuiltinId.MemoryGrow, [Index(memory), delta]);
        PushSizeResult(_env.Memories[memory].Limits.Is64);
    }

    void MemoryFill(uint memory)
    {
        Entry len = Pop();
        Entry value = Pop();
        Entry dst = Pop();
        CallBuiltin(BuiltinId.MemoryFill, [Index(memory), dst, value, len]);
        TrapIfBuiltinFailed(TrapCode.MemoryOutOfBounds);
    }

    void MemoryCopy(uint dstMemory, uint srcMemory)
    {
        Entry len = Pop();
        Entry src = Pop();
        Entry dst = Pop();
        CallBuiltin(BuiltinId.MemoryCopy, [Index(dstMemory), Index(srcMemory), dst, src, len]);
        TrapIfBuiltinFailed(TrapCode.MemoryOutOfBounds);
    }

    void MemoryInit(uint data, uint memory)
    {
        Entry len = Pop();
        Entry src = Pop();
        Entry dst = Pop();
        CallBuiltin(BuiltinId.MemoryInit, [Index(memory), Index(data), dst, src, len]);
        TrapIfBuiltinFailed(TrapCode.MemoryOutOfBounds);
    }
}
