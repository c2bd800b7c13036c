using Hoist.Isa.X64;
using Hoist.Wasm;

namespace Hoist.Vm;

/// <summary>Where one parameter or result of a wasm function lives under <see cref="Abi"/>.</summary>
public enum AbiLocationKind : byte
{
    /// <summary>A general-purpose register (integers and references).</summary>
    Gpr,
    /// <summary>An SSE register (f32, f64, v128).</summary>
    Xmm,
    /// <summary>A stack slot: <see cref="AbiLocation.Offset"/> bytes above rsp at the call instruction.</summary>
    Stack,
}

/// <summary>A register or a stack slot (see <see cref="AbiLocationKind"/>).</summary>
public readonly record struct AbiLocation(AbiLocationKind Kind, byte Register, int Offset)
{
    public static AbiLocation In(Gpr r) => new(AbiLocationKind.Gpr, (byte)r, 0);
    public static AbiLocation In(Xmm x) => new(AbiLocationKind.Xmm, (byte)x, 0);
    public static AbiLocation OnStack(int offset) => new(AbiLocationKind.Stack, 0, offset);

    public bool IsStack => Kind == AbiLocationKind.Stack;
    public Gpr Gpr => Kind == AbiLocationKind.Gpr ? (Gpr)Register : throw new InvalidOperationException($"{this} is not a general-purpose register");
    public Xmm Xmm => Kind == AbiLocationKind.Xmm ? (Xmm)Register : throw new InvalidOperationException($"{this} is not an SSE register");

    public override string ToString() => Kind switch
    {
        AbiLocationKind.Gpr => ((Gpr)Register).ToString().ToLowerInvariant(),
        AbiLocationKind.Xmm => ((Xmm)Register).ToString().ToLowerInvariant(),
        _ => $"[rsp+{Offset}]",
    };
}

/// <summary>
/// The locations <see cref="Abi"/> assigns to the parameters and results of one function type: the one
/// computation of the calling convention that compilers, trampolines and the runtime all use.
/// </summary>
/// <remarks>
/// Rules (x86-64, see <see cref="Abi"/>):
/// <list type="bullet">
/// <item>Parameters: integers and references take rdi, rsi, rdx, rcx, r8, r9 in order; f32/f64/v128 take
///   xmm0..xmm7 in order; the classes are counted independently. The rest go to the stack in parameter
///   order, 8 bytes each (v128: 16 bytes, 16-aligned), from offset 0 = rsp at the call instruction
///   (<c>[rbp + 16]</c> in the callee). <see cref="StackArgsSize"/> is their size rounded up to 16: what the
///   callee pops with <c>ret n</c>, so rsp stays 16-aligned in the caller.</item>
/// <item>Results: the first integer/reference result in rax, the first float/vector result in xmm0; every
///   other result, in result order, gets a slot in the return area (8 bytes, v128 16 bytes and 16-aligned),
///   which starts at offset <see cref="StackArgsSize"/> (just above the stack arguments) and is
///   <see cref="ReturnAreaSize"/> bytes (a multiple of 16). Result offsets, like parameter offsets, are from
///   rsp at the call instruction; after the call returns (stack arguments popped) a result sits at
///   <c>[rsp + Offset - StackArgsSize]</c>.</item>
/// <item>The caller reserves <see cref="StackSize"/> bytes below its rsp before the call.</item>
/// </list>
/// Immutable; computed from the types alone, so equal signatures get equal layouts.
/// </remarks>
public sealed class AbiSignature
{
    static readonly Gpr[] s_intArgs = [Gpr.Rdi, Gpr.Rsi, Gpr.Rdx, Gpr.Rcx, Gpr.R8, Gpr.R9];

    /// <summary>The integer/reference argument registers, in order.</summary>
    public static ReadOnlySpan<Gpr> IntArgumentRegisters => s_intArgs;

    /// <summary>The register of the first integer/reference result.</summary>
    public const Gpr IntResultRegister = Gpr.Rax;

    /// <summary>The register of the first float/vector result.</summary>
    public const Xmm FloatResultRegister = Xmm.Xmm0;

    readonly AbiLocation[] _params;
    readonly AbiLocation[] _results;

    AbiSignature(AbiLocation[] parameters, AbiLocation[] results, int stackArgsSize, int returnAreaSize)
    {
        _params = parameters;
        _results = results;
        StackArgsSize = stackArgsSize;
        ReturnAreaSize = returnAreaSize;
    }

    public ReadOnlySpan<AbiLocation> Params => _params;
    public ReadOnlySpan<AbiLocation> Results => _results;

    /// <summary>Bytes of stack arguments (a multiple of 16); the callee pops them.</summary>
    public int StackArgsSize { get; }

    /// <summary>Bytes of the return area above the stack arguments (a multiple of 16).</summary>
    public int ReturnAreaSize { get; }

    /// <summary>Bytes the caller reserves below rsp for the call: stack arguments and return area.</summary>
    public int StackSize => StackArgsSize + ReturnAreaSize;

    /// <summary>True for the types passed in SSE registers.</summary>
    public static bool IsFloatClass(ValType t) => t.Kind is ValKind.F32 or ValKind.F64 or ValKind.V128;

    public static AbiSignature Of(FuncType type) => Of(type.Params, type.Results);

    public static AbiSignature Of(ReadOnlySpan<ValType> parameters, ReadOnlySpan<ValType> results)
    {
        var ps = new AbiLocation[parameters.Length];
        int ints = 0, floats = 0, stack = 0;
        for (int i = 0; i < ps.Length; i++)
        {
            ValType t = parameters[i];
            if (IsFloatClass(t))
            {
                if (floats < Abi.FloatArgRegisters) { ps[i] = AbiLocation.In((Xmm)floats++); continue; }
            }
            else if (ints < Abi.IntArgRegisters) { ps[i] = AbiLocation.In(s_intArgs[ints++]); continue; }
            ps[i] = AbiLocation.OnStack(NextSlot(ref stack, t));
        }
        int stackArgs = AlignUp16(stack);

        var rs = new AbiLocation[results.Length];
        bool intUsed = false, floatUsed = false;
        int area = 0;
        for (int i = 0; i < rs.Length; i++)
        {
            ValType t = results[i];
            if (IsFloatClass(t))
            {
                if (!floatUsed) { floatUsed = true; rs[i] = AbiLocation.In(FloatResultRegister); continue; }
            }
            else if (!intUsed) { intUsed = true; rs[i] = AbiLocation.In(IntResultRegister); continue; }
            rs[i] = AbiLocation.OnStack(stackArgs + NextSlot(ref area, t));
        }
        return new AbiSignature(ps, rs, stackArgs, AlignUp16(area));
    }

    // Allocates the next 8-byte slot (16-aligned 16-byte slot for v128) and returns its offset.
    static int NextSlot(ref int size, ValType t)
    {
        if (t.Kind == ValKind.V128)
        {
            int at = AlignUp16(size);
            size = at + 16;
            return at;
        }
        int offset = size;
        size += 8;
        return offset;
    }

    static int AlignUp16(int v) => (v + 15) & ~15;
}
