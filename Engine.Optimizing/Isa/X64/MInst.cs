using Hoist.Isa.X64;

namespace Hoist.Optimizing.Isa.X64;

/// <summary>
/// The x86-64 machine instructions of the VCode (see <see cref="MInst"/>). Each member documents its operand
/// list: the register operands the lowering pushes with it, in order (their allocations are read by index at
/// emission). A compare prefix (<see cref="CmpKind"/>) comes first where an op takes a condition; a memory
/// operand names its base and index by operand index (<see cref="MInst.MemBase"/>, <see cref="MInst.MemIndex"/>).
/// </summary>
public enum X64Op : byte
{
    /// <summary>Entry: defines the wasm parameters (fixed defs for register parameters, any for stack ones).</summary>
    Args,
    /// <summary><c>mov dst, r14</c>: the VMContext as a value. [def dst]</summary>
    GetVmctx,
    /// <summary>Fuel and epoch checks (function entry, loop heads); the slow path saves every caller-saved register. [def temp]</summary>
    InterruptCheck,

    /// <summary><c>mov dst, src</c> at Size (4: zero-extends); movaps for float registers. [def dst, use src]</summary>
    Mov,
    /// <summary><c>mov dst, imm</c> (0: xor). [def dst]</summary>
    MovImm,
    /// <summary>A float constant: Imm = bits, Size 4 or 8 (0: xorps). [def dst]</summary>
    FConst,
    /// <summary><c>op a, b</c>, Aux = AluOp (Add..Xor) or 8 = imul. [use a, use b, reuse-def 0]</summary>
    AluRR,
    /// <summary><c>op a, imm</c>, Aux as <see cref="AluRR"/>. [use a, reuse-def 0]</summary>
    AluRI,
    /// <summary><c>op a, [mem]</c> (a folded load), Aux as <see cref="AluRR"/>. [use a, reuse-def 0, mem...]</summary>
    AluRM,
    /// <summary><c>imul dst, src, imm</c>. [def dst, use src]</summary>
    ImulRRI,
    /// <summary><c>lea dst, [mem]</c> at Size. [def dst, mem operands...]</summary>
    Lea,
    /// <summary><c>neg/not a</c>, Aux = 0 neg, 1 not. [use a, reuse-def 0]</summary>
    Unary,
    /// <summary><c>shift a, cl</c>, Aux = ShiftOp. [use a, fixed-use count rcx, reuse-def 0]</summary>
    ShiftRC,
    /// <summary><c>shift a, imm</c>, Aux = ShiftOp. [use a, reuse-def 0]</summary>
    ShiftRI,
    /// <summary>BMI2 <c>rorx dst, src, Imm</c> (a constant rotate, as a right rotate). [def dst, use src]</summary>
    Rorx,
    /// <summary>BMI2 <c>shlx/shrx/sarx dst, src, count</c>, Aux = ShiftOp. [def dst, use src, use count]</summary>
    ShiftX,
    /// <summary>BMI1 <c>andn dst, y, x</c>: dst = ~y &amp; x. [def dst, use y, use x]</summary>
    Andn,
    /// <summary>Aux = 0 clz, 1 ctz, 2 popcnt. [def dst, use src]</summary>
    BitCount,
    /// <summary>Sign extension from Aux bytes (1, 2, 4) to Size. [def dst, use src]</summary>
    Movsx,
    /// <summary>Division or remainder, Aux = DivKind (shared sequence); Aux2 = 1: by the constant Imm. [fixed-use a rax, fixed-use rdx (reserved), (use b), fixed-def result rax|rdx]</summary>
    Div,
    /// <summary>High half of a product, Aux = 1 signed. [fixed-use a rax, use b, fixed-def rdx]</summary>
    MulHi,
    /// <summary>Materialized condition: compare prefix, then [def dst].</summary>
    Setcc,
    /// <summary><c>select</c> by cmov (int) or a branch (float): compare prefix, then [use x, use y, reuse-def y].</summary>
    Select,

    /// <summary>Load at Size (Aux: 0 plain, 1 zero-extend from Aux2 bytes, 2 sign-extend, 3 float). [def dst, mem...]</summary>
    Load,
    /// <summary>Store at Size (Aux 3: float). [use value, mem...]</summary>
    Store,
    /// <summary>Store of Imm at Size. [mem...]</summary>
    StoreImm,

    /// <summary>SSE binary op, Aux = SseBin. [use a, use b, reuse-def 0]</summary>
    SseRR,
    /// <summary>SSE binary op with a folded load, Aux = SseBin (add, sub, mul, div). [use a, reuse-def 0, mem...]</summary>
    SseRM,
    /// <summary>SSE unary op, Aux = SseUn. [def dst, use src] or, for neg/abs, [use a, reuse-def 0]</summary>
    SseUnary,
    /// <summary>Conversions, Aux = ConvKind. [def dst, use src, (early-def temp)]</summary>
    Convert,

    /// <summary><c>jmp</c> to the single successor (omitted when it is next).</summary>
    Jump,
    /// <summary>Conditional branch: compare prefix; successors[0] when it holds, else successors[1].</summary>
    Brif,
    /// <summary>Jump table: Imm = table id. [use index, reuse-def 0]</summary>
    BrTable,
    /// <summary>Return: [fixed-use rax/xmm0 for the first results, any-use for the return-area ones]; the epilogue.</summary>
    Return,
    /// <summary>Unconditional trap, Aux = TrapCode.</summary>
    Trap,
    /// <summary>Conditional trap, compare prefix, Aux = TrapCode.</summary>
    TrapIf,
    /// <summary><c>index + Imm &lt;= bound</c> or trap, Aux = TrapCode; Aux2 = 1 when index &lt; 2^32 (no carry check). [use index, use bound] or [use index, mem...] (FlagBoundInMemory)</summary>
    BoundsCheck,

    /// <summary>A call, Imm = call id (see Lower's call table). Operands: see <c>CallInfo</c>.</summary>
    Call,
    /// <summary>A tail call (terminator).</summary>
    ReturnCall,
}

/// <summary>How an instruction's condition is computed (its first operands).</summary>
public enum CmpKind : byte
{
    None,
    /// <summary><c>test a, a</c>; Cond applies. [use a]</summary>
    Test,
    /// <summary><c>cmp a, b</c>. [use a, use b]</summary>
    Reg,
    /// <summary><c>cmp a, Imm</c>. [use a]</summary>
    Imm,
    /// <summary><c>ucomis a, b</c>; Cond plus Aux2 (FloatExtra). [use a, use b]</summary>
    Float,
    /// <summary><c>test a, Imm</c> (a <c>band</c> with a constant, compared with zero). [use a]</summary>
    TestImm,
    /// <summary><c>cmp a, [mem]</c> (a folded load; the instruction's memory operand). [use a, mem...]</summary>
    RegMem,
    /// <summary><c>cmp [mem], Imm</c> (a folded load). [mem...]</summary>
    MemImm,
    /// <summary>No compare: ZF was set by the <c>add</c> lowered right before (a count-down loop's <c>sub</c> + <c>jnz</c>). []</summary>
    Flags,
}

/// <summary>Float equality needs two flags: ZF and not PF (Eq), or ZF clear or PF (Ne).</summary>
public enum FloatExtra : byte { None, AndNotParity, OrParity }

/// <summary>SSE binary operations of <see cref="X64Op.SseRR"/>.</summary>
public enum SseBin : byte { Add, Sub, Mul, Div, Min, Max, CopySign }

/// <summary>SSE unary operations of <see cref="X64Op.SseUnary"/>.</summary>
public enum SseUn : byte { Neg, Abs, Sqrt, Ceil, Floor, Trunc, Nearest }

/// <summary>The conversions of <see cref="X64Op.Convert"/>; the source and destination sizes are in Aux2 (source) and Size (destination).</summary>
public enum ConvKind : byte
{
    /// <summary>f32 → f64 or f64 → f32.</summary>
    FloatToFloat,
    /// <summary>Signed integer → float.</summary>
    SIntToFloat,
    /// <summary>Unsigned integer → float (a 64-bit source needs an early-def temp).</summary>
    UIntToFloat,
    FloatToSInt,
    FloatToUInt,
    FloatToSIntSat,
    FloatToUIntSat,
    /// <summary>Register-class move of the same bits (movd/movq).</summary>
    Bitcast,
}

/// <summary>
/// One x86-64 machine instruction over virtual registers: a small exact struct (opcode, size, condition,
/// sub-operation, immediate, one memory operand). Register operands live in the VCode's operand list;
/// <see cref="MemBase"/> and <see cref="MemIndex"/> index it (<see cref="NoReg"/>: absent, <see cref="Vmctx"/>: r14).
/// </summary>
public struct MInst
{
    public const byte NoReg = 0xFF;
    /// <summary>The memory operand's base is the VMContext register r14 (not an allocated register).</summary>
    public const byte Vmctx = 0xFE;
    public const byte FlagLinearMemory = 1;
    /// <summary>BoundsCheck: the bound is the memory operand, not a register.</summary>
    public const byte FlagBoundInMemory = 2;

    public X64Op Op;
    /// <summary>Operand size in bytes (1, 2, 4, 8).</summary>
    public byte Size;
    public CmpKind Cmp;
    public Cond Cond;
    public byte Aux;
    public byte Aux2;
    public byte MemBase;
    public byte MemIndex;
    public byte MemScaleLog2;
    /// <summary>The compare prefix compares at this size (the instruction's own Size may differ).</summary>
    public byte CmpSize;
    /// <summary><see cref="FlagLinearMemory"/>: the access is to linear memory (a trap site is recorded at it).</summary>
    public byte Flags;
    public int Disp;
    public long Imm;
    /// <summary>The wasm offset of the IR instruction it implements (-1: none).</summary>
    public int Src;

    public readonly Width Width => Size switch { 1 => Width.W8, 2 => Width.W16, 4 => Width.W32, _ => Width.W64 };
    public readonly Width CmpWidth => CmpSize == 4 ? Width.W32 : Width.W64;

    public override readonly string ToString()
    {
        string s = Op.ToString().ToLowerInvariant();
        if (Cmp != CmpKind.None) s += $".{Cmp.ToString().ToLowerInvariant()}.{Cond.ToString().ToLowerInvariant()}";
        return $"{s}{Size * 8} aux={Aux}" + (Imm != 0 ? $" imm={Imm}" : "") + (MemBase != NoReg || MemIndex != NoReg ? $" disp={Disp}" : "");
    }
}
