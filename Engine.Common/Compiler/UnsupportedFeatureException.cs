using Hoist.Wasm;

namespace Hoist.Compiler;

/// <summary>
/// A valid module uses something a compiler does not implement (an operator, or a value type such as
/// v128 in a signature). Not an error in the input, so not a <see cref="WasmException"/>; the message
/// names the construct, its feature, the compiler and where it is, in one line.
/// </summary>
public sealed class UnsupportedFeatureException(string compiler, string construct, Feature feature, SourceLocation location)
    : NotSupportedException(
        $"{location}: {construct} (feature '{feature.ToString().ToLowerInvariant()}') is not supported by the {compiler} compiler")
{
    /// <summary>An unsupported operator.</summary>
    public UnsupportedFeatureException(string compiler, Opcode opcode, SourceLocation location)
        : this(compiler, opcode.Mnemonic(), opcode.RequiredFeature(), location) => Opcode = opcode;

    public string Compiler { get; } = compiler;
    public string Construct { get; } = construct;
    public Feature Feature { get; } = feature;
    /// <summary>The operator, when the construct is one.</summary>
    public Opcode? Opcode { get; }
    public SourceLocation Location { get; } = location;
}
