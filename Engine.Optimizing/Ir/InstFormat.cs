namespace Hoist.Optimizing.Ir;

/// <summary>
/// The layout of an instruction's operands and immediates: which <see cref="InstData"/> fields mean
/// what, and how the text form writes it (T is the controlling type, printed as a <c>.T</c> suffix on
/// the mnemonic when the opcode has one).
/// </summary>
public enum InstFormat : byte
{
    /// <summary><c>v = iconst.T 42</c>: Imm = the value (sign-extended from the type's width).</summary>
    IntConst,
    /// <summary><c>v = fconst.T 1.5</c>: Imm = the IEEE bits (f32 in the low 32 bits).</summary>
    FloatConst,
    /// <summary><c>v = op.T a</c>.</summary>
    Unary,
    /// <summary><c>v = op.T a, b</c>.</summary>
    Binary,
    /// <summary><c>v = op.T a, b, c</c>.</summary>
    Ternary,
    /// <summary><c>v = icmp.T cc a, b</c>: Code = <see cref="IntCC"/>.</summary>
    IntCompare,
    /// <summary><c>v = fcmp.T cc a, b</c>: Code = <see cref="FloatCC"/>.</summary>
    FloatCompare,
    /// <summary><c>v = op.T region addr+offset</c>: Ref = <see cref="AliasRegion"/>, Imm = the unsigned offset.</summary>
    Load,
    /// <summary><c>op.T region addr+offset, value</c>: args = [addr, value], Ref = region, Imm = offset.</summary>
    Store,
    /// <summary><c>trap code</c>: Code = <see cref="Vm.TrapCode"/>.</summary>
    Trap,
    /// <summary><c>trapz a, code</c>: Code = the trap code.</summary>
    CondTrap,
    /// <summary>
    /// <c>bounds_check index+end, bound, code</c>: traps unless index + end ≤ bound, computed without
    /// overflow (unsigned, mathematically). Imm = end (unsigned), Code = the trap code.
    /// </summary>
    BoundsCheck,
    /// <summary><c>jump block(args)</c>: one target.</summary>
    Jump,
    /// <summary><c>brif c, block1(args), block2(args)</c>: to the first target when c ≠ 0. Two targets.</summary>
    Brif,
    /// <summary>
    /// <c>br_table i, default(args), [block(args), ...]</c>: targets[0] is the default, targets[1 + i]
    /// the table entries; Imm = the number of targets (entries + 1).
    /// </summary>
    BranchTable,
    /// <summary><c>return a, b, ...</c>: the function's results.</summary>
    Return,
    /// <summary><c>r1, r2 = call fnN(args)</c>: Ref = the <see cref="FuncRef"/>; types from its signature.</summary>
    Call,
    /// <summary><c>r1, r2 = call_indirect sigN, callee(args)</c>: args = [callee, args...], Ref = the <see cref="SigRef"/>.</summary>
    CallIndirect,
}

/// <summary>A constraint on a type in an opcode's signature (irops.def's signature and ctrl columns).</summary>
public enum TypeConstraint : byte { None, Ctrl, I32, I64, F32, F64, Int, Float, Any }

/// <summary>The effect and structure flags of an opcode (irops.def's flags column).</summary>
[Flags]
public enum OpFlags : byte
{
    None = 0,
    Pure = 1,
    Commutative = 2,
    Trap = 4,
    Load = 8,
    Store = 16,
    Call = 32,
    Terminator = 64,
}
