using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Validation;

/// <summary>
/// The one typing path for every operator with a fixed signature in opcodes.def: check its immediates
/// (memory and alignment, lane indices, segment indices), then pop the parameters and push the results,
/// with <see cref="SigType.Addr"/> resolved to the address type of the operator's memory.
/// </summary>
public sealed partial class FuncValidator
{
    // Indexed by (int)opcode * 2 + (address type is i64 ? 1 : 0); null for operators typed by hand.
    static readonly ValType[]?[] s_sigParams = new ValType[]?[OpcodeInfo.Count * 2];
    static readonly ValType[]?[] s_sigResults = new ValType[]?[OpcodeInfo.Count * 2];
    // The number of lanes a lane immediate indexes (Lane, MemArgLane), else 0.
    static readonly byte[] s_laneCount = new byte[OpcodeInfo.Count];
    // 1 << the operator's required feature, tested against the enabled mask.
    static readonly uint[] s_featureBit = new uint[OpcodeInfo.Count];
    // How each operator is typed; the dispatcher's one lookup.
    static readonly Typing[] s_typing = new Typing[OpcodeInfo.Count];

    enum Typing : byte
    {
        /// <summary>Typed by hand (the '*' rows).</summary>
        Special,
        /// <summary>A fixed signature and immediates that need checking (memory, lanes, segments).</summary>
        Fixed,
        /// <summary>A fixed signature and no immediates to check: straight to pop and push.</summary>
        Plain,
    }

    static FuncValidator()
    {
        for (int i = 0; i < OpcodeInfo.Count; i++)
        {
            var op = (Opcode)i;
            if (op.HasFixedSignature())
            {
                for (int a = 0; a < 2; a++)
                {
                    s_sigParams[i * 2 + a] = ToValTypes(op.Params(), a == 1);
                    s_sigResults[i * 2 + a] = ToValTypes(op.Results(), a == 1);
                }
            }
            s_featureBit[i] = 1u << (int)op.RequiredFeature();
            s_typing[i] = !op.HasFixedSignature() ? Typing.Special
                : op.Immediates() is ImmediateKind.None or ImmediateKind.I32 or ImmediateKind.I64 or ImmediateKind.F32
                    or ImmediateKind.F64 or ImmediateKind.V128 or ImmediateKind.ZeroByte ? Typing.Plain : Typing.Fixed;
            s_laneCount[i] = op.Immediates() switch
            {
                ImmediateKind.MemArgLane => (byte)(16 >> op.NaturalAlignmentLog2()),
                ImmediateKind.Lane => LanesOfShape(op.Mnemonic()),
                _ => 0,
            };
        }
    }

    static ValType[] ToValTypes(ReadOnlySpan<SigType> sig, bool addr64)
    {
        var ts = new ValType[sig.Length];
        for (int i = 0; i < sig.Length; i++)
        {
            ts[i] = sig[i] switch
            {
                SigType.I32 => ValType.I32, SigType.I64 => ValType.I64, SigType.F32 => ValType.F32,
                SigType.F64 => ValType.F64, SigType.V128 => ValType.V128, _ => addr64 ? ValType.I64 : ValType.I32,
            };
        }
        return ts;
    }

    /// <summary>The lane count of a SIMD shape prefix: <c>i8x16.extract_lane_s</c> → 16.</summary>
    static byte LanesOfShape(string mnemonic)
    {
        int dot = mnemonic.IndexOf('.');
        int x = mnemonic.IndexOf('x');
        return byte.Parse(mnemonic.AsSpan(x + 1, dot - x - 1), provider: System.Globalization.CultureInfo.InvariantCulture);
    }

    void ValidateFixed(in Operator op)
    {
        int at = op.Offset;
        bool addr64 = false;
        switch (op.Opcode.Immediates())
        {
            case ImmediateKind.MemArg:
                addr64 = CheckMemArg(op, at);
                break;
            case ImmediateKind.MemArgLane:
                addr64 = CheckMemArg(op, at);
                CheckLane(op.Opcode, op.Index, at);
                break;
            case ImmediateKind.Memory:
                addr64 = Memory(op.Index, at).Limits.Is64;
                break;
            case ImmediateKind.Lane:
                CheckLane(op.Opcode, op.Index, at);
                break;
            case ImmediateKind.Shuffle:
                var v = op.V128;
                foreach (byte lane in v.Bytes) if (lane >= 32) ValidationError.Throw(at, "invalid lane index");
                break;
            case ImmediateKind.Data:
                CheckData(op.Index, at);
                break;
            case ImmediateKind.Elem:
                ElemType(op.Index, at);
                break;
            default:
                throw new InvalidOperationException($"opcodes.def gives {op.Opcode.Mnemonic()} a fixed signature but immediates the validator does not check");
        }
        ApplySignature((int)op.Opcode * 2 + (addr64 ? 1 : 0), at);
    }

    /// <summary>Pops and pushes signature <paramref name="k"/>; the common case (all operands present and of exactly the
    /// required numeric types) is a straight comparison.</summary>
    void ApplySignature(int k, int at)
    {
        ValType[] parameters = s_sigParams[k]!;
        int n = parameters.Length;
        int sp = _sp;
        if (sp - _frames[_fp - 1]._height >= n)
        {
            ValType[] stack = _stack;
            int i = 0;
            while (i < n && stack[sp - n + i].Kind == parameters[i].Kind) i++;
            if (i == n) _sp = sp - n;
            else PopValues(parameters, at);
        }
        else PopValues(parameters, at);
        foreach (ValType r in s_sigResults[k]!) Push(r);
    }

    /// <summary>Checks a memory access immediate; returns whether the memory's address type is i64.</summary>
    bool CheckMemArg(in Operator op, int at)
    {
        MemoryType mem = Memory(op.MemArg.Memory, at);
        uint natural = (uint)op.Opcode.NaturalAlignmentLog2();
        if (op.Opcode.Prefix() == 0xFE)
        {
            if (op.MemArg.AlignLog2 != natural) ValidationError.Throw(at, "alignment must be exactly natural for atomic operators");
        }
        else if (op.MemArg.AlignLog2 > natural) ValidationError.Throw(at, "alignment must not be larger than natural");
        if (!mem.Limits.Is64 && op.MemArg.Offset > uint.MaxValue) ValidationError.Throw(at, "offset out of range");
        return mem.Limits.Is64;
    }

    void CheckLane(Opcode op, uint lane, int at)
    {
        if (lane >= s_laneCount[(int)op]) ValidationError.Throw(at, "invalid lane index");
    }

    MemoryType Memory(uint index, int at)
    {
        if (index >= (uint)_ctx.Memories.Length) ValidationError.Unknown(at, "memory", index);
        return _ctx.Memories[index];
    }

    TableType Table(uint index, int at)
    {
        if (index >= (uint)_ctx.Tables.Length) ValidationError.Unknown(at, "table", index);
        return _ctx.Tables[index];
    }

    ValType ElemType(uint index, int at)
    {
        if (index >= (uint)_ctx.ElemTypes.Length) ValidationError.Unknown(at, "elem segment", index);
        return _ctx.ElemTypes[index];
    }

    /// <summary>A data segment index: the binary format requires the data count section before the code that uses one.</summary>
    void CheckData(uint index, int at)
    {
        if (_ctx.DataCount is not uint count) { ValidationError.Malformed(at, "data count section required"); return; }
        if (index >= count) ValidationError.Unknown(at, "data segment", index);
    }
}
