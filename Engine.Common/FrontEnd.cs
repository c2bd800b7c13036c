using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;
using Hoist.Wasm.Validation;

namespace Hoist.Wasm;

/// <summary>
/// The front end's entry points, in the order the runtime uses them: text is parsed and encoded
/// to a binary (so the runtime always consumes binaries), binaries are decoded, modules validated.
/// Every failure is a <see cref="WasmException"/> carrying the file and the offset or line:column.
/// </summary>
public static class FrontEnd
{
    /// <summary>True if the bytes start with the binary magic <c>\0asm</c>.</summary>
    public static bool IsBinary(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 4 && bytes[0] == 0 && bytes[1] == (byte)'a' && bytes[2] == (byte)'s' && bytes[3] == (byte)'m';

    /// <summary>Parses a text module and encodes it to its binary form.</summary>
    public static byte[] TextToBinary(string text, string? file = null) => Encode(WatParser.ParseModule(text, file));

    public static byte[] Encode(WasmModule module) => ModuleEncoder.Encode(module);

    public static WasmModule Decode(ReadOnlyMemory<byte> bytes, string? file = null)
    {
        try { return ModuleDecoder.Decode(bytes, file); }
        catch (WasmException e) { throw e.WithFile(file); }
    }

    public static void Validate(WasmModule module, string? file = null, FeatureSet? features = null)
    {
        try { ModuleValidator.Validate(module, features is { } f ? new ValidationOptions { Features = f } : null); }
        catch (WasmException e) { throw e.WithFile(file); }
    }

    /// <summary>
    /// Reads a module from a .wasm or .wat file (decided by content, not by name), and returns its
    /// binary bytes and decoded, validated model.
    /// </summary>
    public static (byte[] Binary, WasmModule Module) LoadFile(string path, FeatureSet? features = null)
    {
        byte[] raw = File.ReadAllBytes(path);
        if (IsBinary(raw))
        {
            var decoded = Decode(raw, path);
            Validate(decoded, path, features);
            return (raw, decoded);
        }
        var text = WatParser.ParseModule(raw, path);
        byte[] binary = Encode(text);
        var module = Decode(binary, path);
        try { Validate(module, path, features); }
        catch (WasmException e) when (ToText(e, module, text.TextSource) is { } atText) { throw atText; }
        return (binary, module);
    }

    /// <summary>
    /// The same error at its text position, when it lies in a function body of a module parsed from
    /// text (the validator reports offsets in the encoded binary); null when there is no better place.
    /// </summary>
    public static WasmException? ToText(WasmException e, WasmModule decoded, TextSourceMap? map)
    {
        if (map is null || e.Location.Offset < 0) return null;
        var code = decoded.Code;
        for (int i = 0; i < code.Count; i++)
        {
            long start = code[i].BodyOffset;
            if (e.Location.Offset < start || e.Location.Offset >= start + code[i].Code.Length) continue;
            if (map.Locate(i, (int)(e.Location.Offset - start)) is not { } at) return null;
            return e switch
            {
                ValidationException => new ValidationException(e.Message, at),
                _ => new MalformedException(e.Message, at, e),
            };
        }
        return null;
    }
}
