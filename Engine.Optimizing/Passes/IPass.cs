using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Passes;

/// <summary>
/// One transformation of a function. The rule every pass keeps: it never makes the code worse. It only
/// removes instructions, replaces one by a cheaper one, or moves one to where it runs no more often, and
/// its output verifies whenever its input does. Each pass has its own before/after tests in the text form.
/// </summary>
public interface IPass
{
    /// <summary>A short name for logs and pipelines.</summary>
    string Name { get; }

    /// <summary>Transforms the function in place; returns true if anything changed.</summary>
    bool Run(Function f);
}

/// <summary>
/// A pass that shares a pipeline's <see cref="Analysis.FunctionAnalyses"/> (null when it keeps its own):
/// <see cref="PassManager"/> invalidates the shared ones before each function, since anything may have
/// changed the function since they were computed.
/// </summary>
internal interface IUsesAnalyses
{
    Analysis.FunctionAnalyses? Shared { get; }
}
