namespace Hoist.Runtime;

/// <summary>Which compiler turns a module's functions into machine code (see DESIGN.md). A module is compiled wholly by one.</summary>
public enum Strategy
{
    /// <summary>The single-pass compiler (Engine.Baseline): fast startup.</summary>
    Baseline,
    /// <summary>The SSA optimizing compiler (Engine.Optimizing): not implemented yet.</summary>
    Optimizing,
}
