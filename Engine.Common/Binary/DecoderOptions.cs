namespace Hoist.Wasm.Binary;

/// <summary>
/// Choices of the binary decoder beyond Wasm 3.0. The defaults decode exactly Wasm 3.0 (plus the
/// threads proposal's shared-memory flag, which the validator gates).
/// </summary>
public sealed record DecoderOptions
{
    public static readonly DecoderOptions Default = new();

    /// <summary>
    /// Accept the custom-page-sizes proposal: limits flag bit 3 announces a u32 page-size exponent
    /// after the limits. Off, that flag is "malformed limits flags" as Wasm 3.0 says.
    /// </summary>
    public bool CustomPageSizes { get; init; }
}
