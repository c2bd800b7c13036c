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

    public static void Validate(WasmModule module, string? file = null)
    {
        try { ModuleValidator.Validate(module); }
        catch (WasmException e) { throw e.WithFile(file); }
    }

    /// <summary>
    /// Reads a module from a .wasm or .wat file (decided by content, not by name), and returns its
    /// binary bytes and decoded, validated model.
    /// </summary>
    public static (byte[] Binary, WasmModule Module) LoadFile(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        byte[] binary = IsBinary(raw) ? raw : TextToBinaryFromBytes(raw, path);
        var module = Decode(binary, path);
        Validate(module, path);
        return (binary, module);
    }

    static byte[] TextToBinaryFromBytes(byte[] raw, string path)
    {
        string text;
        try { text = new System.Text.UTF8Encoding(false, true).GetString(raw); }
        catch (System.Text.DecoderFallbackException e)
        {
            throw new MalformedException("malformed UTF-8 encoding", SourceLocation.AtOffset(e.Index, path));
        }
        return TextToBinary(text, path);
    }
}
