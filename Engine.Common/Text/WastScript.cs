namespace Hoist.Wasm.Text;

/// <summary>A parsed <c>.wast</c> script: its commands in order.</summary>
public sealed record WastScript(string? File, IReadOnlyList<WastCommand> Commands);

/// <summary>A module as it appears in a script, not yet decoded or validated.</summary>
public abstract record WastModule(int Line, int Column)
{
    /// <summary>The module's <c>$id</c>, if it has one.</summary>
    public string? Id { get; init; }
    /// <summary>True for <c>(module definition ...)</c>: compiled but not instantiated until <c>(module instance ...)</c>.</summary>
    public bool IsDefinition { get; init; }
}

/// <summary>
/// <c>(module ...)</c> in text form, parsed when the script is read. <see cref="Module"/> is null
/// when the text was syntactically malformed; <see cref="Error"/> then says why.
/// </summary>
public sealed record WastTextModule(int Line, int Column, WasmModule? Module, MalformedException? Error) : WastModule(Line, Column);

/// <summary><c>(module binary "...")</c>: the concatenated bytes, still to be decoded.</summary>
public sealed record WastBinaryModule(int Line, int Column, byte[] Bytes) : WastModule(Line, Column);

/// <summary><c>(module quote "...")</c>: the concatenated text of the module's fields, still to be parsed.</summary>
public sealed record WastQuoteModule(int Line, int Column, string Text) : WastModule(Line, Column);

/// <summary>A value given as an argument, or a pattern an expected result must match.</summary>
public abstract record WastValue;

/// <summary>A numeric constant: its type and raw bits (i32/f32 in the low 32 bits).</summary>
public sealed record WastNum(ValType Type, ulong Bits) : WastValue;

/// <summary>
/// A <c>v128.const</c>: the bytes, and per-lane patterns when it is an expected result with NaN lanes
/// (one entry per lane, null for a lane given as a number; that lane's bits are in <see cref="Value"/>).
/// </summary>
public sealed record WastV128(Binary.V128 Value, string Shape, WastNanPattern?[]? LanePatterns = null) : WastValue;

public enum WastNanKind : byte { Canonical, Arithmetic }

/// <summary><c>nan:canonical</c> or <c>nan:arithmetic</c> for an f32 or f64 result (or lane).</summary>
public sealed record WastNanPattern(ValType Type, WastNanKind Kind) : WastValue;

/// <summary>
/// A reference: <c>ref.null HT</c>, <c>ref.extern N</c>, <c>ref.host N</c>, and as expected results
/// also the untyped patterns <c>ref.func</c>, <c>ref.struct</c>, <c>ref.array</c>, <c>ref.i31</c>,
/// <c>ref.eq</c>, <c>ref.any</c>, <c>ref.extern</c> (no payload), <c>ref.exn</c>, <c>ref.null</c> (any null).
/// </summary>
public sealed record WastRef(string Kind, HeapType? NullType = null, uint? Payload = null) : WastValue;

/// <summary><c>(either v1 v2 ...)</c>: the result matches any alternative.</summary>
public sealed record WastEither(IReadOnlyList<WastValue> Alternatives) : WastValue;

/// <summary>An action: call an export, or read an exported global. <see cref="ModuleId"/> null means the latest module.</summary>
public abstract record WastAction(int Line, int Column, string? ModuleId, string Name);
public sealed record WastInvoke(int Line, int Column, string? ModuleId, string Name, IReadOnlyList<WastValue> Args) : WastAction(Line, Column, ModuleId, Name);
public sealed record WastGet(int Line, int Column, string? ModuleId, string Name) : WastAction(Line, Column, ModuleId, Name);

/// <summary>One top-level command of a script, with its 1-based line and column.</summary>
public abstract record WastCommand(int Line, int Column);

public sealed record WastModuleCommand(int Line, int Column, WastModule Module) : WastCommand(Line, Column);
/// <summary><c>(module instance $inst $def)</c>: instantiate a module definition.</summary>
public sealed record WastModuleInstance(int Line, int Column, string? InstanceId, string? DefinitionId) : WastCommand(Line, Column);
public sealed record WastRegister(int Line, int Column, string Name, string? ModuleId) : WastCommand(Line, Column);
public sealed record WastActionCommand(int Line, int Column, WastAction Action) : WastCommand(Line, Column);
public sealed record WastAssertReturn(int Line, int Column, WastAction Action, IReadOnlyList<WastValue> Expected) : WastCommand(Line, Column);
/// <summary><c>assert_trap</c> on an action, or on a module whose instantiation must trap.</summary>
public sealed record WastAssertTrap(int Line, int Column, WastAction? Action, WastModule? Module, string Message) : WastCommand(Line, Column);
public sealed record WastAssertExhaustion(int Line, int Column, WastAction Action, string Message) : WastCommand(Line, Column);
public sealed record WastAssertException(int Line, int Column, WastAction Action) : WastCommand(Line, Column);
/// <summary><c>assert_malformed</c> (and <c>assert_malformed_custom</c> when <see cref="Custom"/>).</summary>
public sealed record WastAssertMalformed(int Line, int Column, WastModule Module, string Message, bool Custom = false) : WastCommand(Line, Column);
/// <summary><c>assert_invalid</c> (and <c>assert_invalid_custom</c> when <see cref="Custom"/>).</summary>
public sealed record WastAssertInvalid(int Line, int Column, WastModule Module, string Message, bool Custom = false) : WastCommand(Line, Column);
public sealed record WastAssertUnlinkable(int Line, int Column, WastModule Module, string Message) : WastCommand(Line, Column);

/// <summary>
/// <c>(thread $id (shared (module $m))* command*)</c> (threads proposal scripts): commands run on their own
/// thread, which sees the named modules of the enclosing script.
/// </summary>
public sealed record WastThread(int Line, int Column, string? Id, IReadOnlyList<string> SharedModules, IReadOnlyList<WastCommand> Commands) : WastCommand(Line, Column);
/// <summary><c>(wait $id)</c>: waits for a <see cref="WastThread"/> to finish.</summary>
public sealed record WastWait(int Line, int Column, string? ThreadId) : WastCommand(Line, Column);
/// <summary><c>(assert_suspension action "message")</c> (stack switching): the action must suspend to the host.</summary>
public sealed record WastAssertSuspension(int Line, int Column, WastAction Action, string Message) : WastCommand(Line, Column);
