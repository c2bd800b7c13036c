namespace Hoist.Optimizing.CodeGen;

/// <summary>Whether an instruction reads or writes the operand's virtual register.</summary>
public enum OperandKind : byte { Use, Def }

/// <summary>
/// When in the instruction the access happens: <see cref="Early"/> (with the inputs) or <see cref="Late"/>
/// (with the outputs). A use is normally early and a def late, so a def may share a register with a use
/// that dies at the instruction; an early def (written before all inputs are read) or a late use (read
/// after the outputs are written) must not.
/// </summary>
public enum OperandPos : byte { Early, Late }

/// <summary>What the allocator must give an operand.</summary>
public enum OperandConstraint : byte
{
    /// <summary>Any register of the vreg's class.</summary>
    Reg,
    /// <summary>A register or a spill slot (the instruction can take a memory operand).</summary>
    Any,
    /// <summary>A spill slot.</summary>
    Stack,
    /// <summary>One physical register (<see cref="Operand.Fixed"/>): call arguments, division, shift counts.</summary>
    FixedReg,
    /// <summary>A def in the same allocation as use operand <see cref="Operand.ReuseIndex"/> (x86's two-address forms).</summary>
    Reuse,
}

/// <summary>
/// One register operand of a machine instruction, in the manner of regalloc2: the virtual register, read or
/// written, early or late, and a constraint. Packed in 8 bytes.
/// </summary>
public readonly record struct Operand(VReg VReg, OperandKind Kind, OperandPos Pos, OperandConstraint Constraint, byte Extra)
{
    /// <summary>The fixed register of a <see cref="OperandConstraint.FixedReg"/> operand.</summary>
    public PReg Fixed => PReg.FromIndex(Extra);

    /// <summary>The index (among the instruction's operands) of the use a <see cref="OperandConstraint.Reuse"/> def shares.</summary>
    public int ReuseIndex => Extra;

    public static Operand Use(VReg v, OperandConstraint c = OperandConstraint.Reg) => new(v, OperandKind.Use, OperandPos.Early, c, 0);
    public static Operand Def(VReg v, OperandConstraint c = OperandConstraint.Reg) => new(v, OperandKind.Def, OperandPos.Late, c, 0);
    public static Operand FixedUse(VReg v, PReg r) => new(v, OperandKind.Use, OperandPos.Early, OperandConstraint.FixedReg, (byte)r.Index);
    public static Operand FixedDef(VReg v, PReg r) => new(v, OperandKind.Def, OperandPos.Late, OperandConstraint.FixedReg, (byte)r.Index);
    public static Operand ReuseDef(VReg v, int useIndex) => new(v, OperandKind.Def, OperandPos.Late, OperandConstraint.Reuse, (byte)useIndex);
    public static Operand EarlyDef(VReg v, OperandConstraint c = OperandConstraint.Reg) => new(v, OperandKind.Def, OperandPos.Early, c, 0);
    public static Operand LateUse(VReg v, OperandConstraint c = OperandConstraint.Reg) => new(v, OperandKind.Use, OperandPos.Late, c, 0);

    /// <summary><c>%3:use:reg</c>, <c>%4:def:reuse0</c>, <c>%5:def-early:r0</c>.</summary>
    public override string ToString()
    {
        string c = Constraint switch
        {
            OperandConstraint.Reg => "reg",
            OperandConstraint.Any => "any",
            OperandConstraint.Stack => "stack",
            OperandConstraint.FixedReg => Fixed.ToString(),
            _ => "reuse" + ReuseIndex,
        };
        bool unusual = Pos != (Kind == OperandKind.Use ? OperandPos.Early : OperandPos.Late);
        string kind = Kind == OperandKind.Use ? (unusual ? "use-late" : "use") : (unusual ? "def-early" : "def");
        return $"{VReg}:{kind}:{c}";
    }
}
