using Hoist.Optimizing.CodeGen;

namespace Hoist.Optimizing.RegAlloc;

/// <summary>
/// What the register allocator knows of the target: the allocatable registers of each class in order of
/// preference (registers reserved by the ISA for its own use, such as the VMContext register, the stack and
/// frame pointers and an emission scratch register, are left out) and which of them a callee preserves.
/// </summary>
public sealed class MachineEnv(PReg[] intRegs, PReg[] floatRegs, PRegSet calleeSaved)
{
    public PReg[] IntRegs { get; } = intRegs;
    public PReg[] FloatRegs { get; } = floatRegs;
    public PRegSet CalleeSaved { get; } = calleeSaved;

    public PReg[] Registers(RegClass c) => c == RegClass.Int ? IntRegs : FloatRegs;
}
