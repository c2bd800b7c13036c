using Hoist.Isa;

namespace Hoist.Baseline;

internal enum ControlKind : byte { Function, Block, Loop, If, Else }

/// <summary>
/// One open wasm construct during compilation (the compiler's own control stack, beside the validator's).
/// </summary>
/// <remarks>
/// Invariants:
/// <list type="bullet">
/// <item>When a frame opens, every value-stack entry below it is spilled (in its canonical slot) or a
///   constant, and nothing inside the frame changes those entries, so all paths that meet at the frame's
///   label agree about them.</item>
/// <item><see cref="Height"/> is the value-stack position of the frame's first value: its parameters
///   on entry, its results at the end, and where a branch to its label puts the values it carries, in
///   their canonical slots. For an <c>if</c> with parameters, the parameters as they were on entry stay
///   below <see cref="Height"/> (<see cref="HiddenParams"/> of them), so the else arm can read them after
///   the then arm has reused the slots above; the results move down over them at the end.</item>
/// <item>The types of the frame's parameters then results are <see cref="ParamCount"/> +
///   <see cref="ResultCount"/> entries of the compiler's type pool from <see cref="TypesStart"/>.</item>
/// </list>
/// </remarks>
internal struct Control
{
    public ControlKind Kind;
    public int Height;
    public int HiddenParams;
    public int ParamCount;
    public int ResultCount;
    public int TypesStart;
    /// <summary>Where a branch to this frame goes: the end (block, if, else) or the start (loop).</summary>
    public Label Label;
    /// <summary>The else arm of an <c>if</c> (bound at <c>else</c>, or at <c>end</c> when there is none).</summary>
    public Label ElseLabel;
    /// <summary>Some branch (or the then arm's fall-through) goes to <see cref="Label"/> at the end: results must be in their slots.</summary>
    public bool EndTargeted;
    /// <summary>Whether the code right after the <c>if</c> test was reachable (so its else arm is).</summary>
    public bool ElseReachable;

    /// <summary>The number of values a branch to this frame carries.</summary>
    public readonly int LabelArity => Kind == ControlKind.Loop ? ParamCount : ResultCount;
}
