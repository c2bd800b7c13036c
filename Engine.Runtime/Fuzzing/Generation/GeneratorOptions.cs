namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// What the module generator may use and how big it makes things. <see cref="Full"/> covers everything the
/// tiers compile; <see cref="V8Compatible"/> leaves out what Node 20's V8 (11.3) does not run as Wasm 3.0
/// defines it (64-bit memories and tables, several memories, typed function references, whose opcodes V8 11.3
/// still numbers as an older draft did), so V8 can serve as an oracle for the modules it makes.
/// </summary>
public sealed record GeneratorOptions
{
    /// <summary>memory64 and table64: 64-bit addresses and indices.</summary>
    public bool Address64 { get; init; } = true;
    /// <summary>More than one memory (multi-memory).</summary>
    public bool MultiMemory { get; init; } = true;
    /// <summary>Typed function references: <c>(ref $t)</c> types, call_ref, ref.as_non_null, br_on_null/br_on_non_null.</summary>
    public bool TypedFunctionReferences { get; init; } = true;
    /// <summary>Tail calls (return_call, return_call_indirect; return_call_ref with typed references).</summary>
    public bool TailCalls { get; init; } = true;
    /// <summary>Wasm 3.0 constant expressions: arithmetic (extended-const) and reading earlier defined globals (GC) in global initialisers.</summary>
    public bool ExtendedConst { get; init; } = true;

    /// <summary>Arguments may be NaNs with payloads (V8 turns every NaN argument into its canonical NaN).</summary>
    public bool NanPayloadArguments { get; init; } = true;

    public int MaxFunctions { get; init; } = 8;
    public int MaxTypes { get; init; } = 8;
    public int MaxParams { get; init; } = 5;
    public int MaxResults { get; init; } = 3;
    public int MaxLocals { get; init; } = 8;
    /// <summary>Instructions per function body, roughly (the generator stops adding statements past it).</summary>
    public int MaxBodySize { get; init; } = 120;
    public int MaxExpressionDepth { get; init; } = 6;
    public int MaxBlockNesting { get; init; } = 4;
    public int MaxCalls { get; init; } = 12;

    public static GeneratorOptions Full { get; } = new();

    public static GeneratorOptions V8Compatible { get; } = new()
    {
        Address64 = false,
        MultiMemory = false,
        TypedFunctionReferences = false,
        ExtendedConst = false,
        NanPayloadArguments = false,
    };
}
