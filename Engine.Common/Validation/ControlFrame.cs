using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Validation;

/// <summary>The construct a control frame belongs to. The function body itself is the outermost <see cref="Block"/>.</summary>
public enum FrameKind : byte
{
    Block, Loop, If, Else, TryTable,
    /// <summary>Legacy exceptions: the <c>try</c> body, a <c>catch</c> handler, a <c>catch_all</c> handler.</summary>
    Try, Catch, CatchAll,
}

/// <summary>
/// One entry of <see cref="FuncValidator"/>'s control stack. <see cref="Height"/> is the operand stack
/// height when the frame was entered (below its parameters), <see cref="Unreachable"/> whether the
/// rest of the frame is dead code (after br, return, unreachable, throw...). The frame's parameter and
/// result types are read through <see cref="FuncValidator.FrameParams"/> and <see cref="FuncValidator.FrameResults"/>.
/// </summary>
public struct ControlFrame
{
    internal FrameKind _kind;
    internal int _height;
    internal int _initHeight;
    internal bool _unreachable;
    internal bool _hasSingle;
    internal ValType _single;
    internal ValType[]? _params;
    internal ValType[]? _results;
    internal BlockType _blockType;

    public readonly FrameKind Kind => _kind;
    public readonly int Height => _height;
    public readonly bool Unreachable => _unreachable;
    /// <summary>The block type as written (the function frame's is a type index of the function's type).</summary>
    public readonly BlockType BlockType => _blockType;
    /// <summary>A branch to a loop goes to its start, so it carries the loop's parameters; other frames' labels carry their results.</summary>
    public readonly bool LabelIsParams => _kind == FrameKind.Loop;
}
