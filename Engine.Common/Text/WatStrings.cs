using System.Text;
using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Text;

/// <summary>
/// Text-format string literals and source bytes. A string denotes bytes: ASCII characters as
/// themselves, other characters as their UTF-8 encoding, and the escapes <c>\t \n \r \" \' \\</c>,
/// <c>\hh</c> (one byte) and <c>\u{h+}</c> (a scalar value, UTF-8 encoded). Where a string is a
/// name it must also be valid UTF-8.
/// </summary>
public static class WatStrings
{
    static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Appends the bytes of a string literal's body (between the quotes). The body must have been
    /// checked by the lexer: this does not report malformed escapes.
    /// </summary>
    public static void Decode(ReadOnlySpan<char> body, WasmWriter into)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < body.Length; i++)
        {
            char c = body[i];
            if (c == '\\')
            {
                char e = body[++i];
                switch (e)
                {
                    case 't': into.Byte((byte)'\t'); break;
                    case 'n': into.Byte((byte)'\n'); break;
                    case 'r': into.Byte((byte)'\r'); break;
                    case '"': into.Byte((byte)'"'); break;
                    case '\'': into.Byte((byte)'\''); break;
                    case '\\': into.Byte((byte)'\\'); break;
                    case 'u':
                    {
                        int close = body[i..].IndexOf('}') + i;
                        uint cp = 0;
                        for (int j = i + 2; j < close; j++)
                            if (body[j] != '_') cp = cp * 16 + (uint)HexValue(body[j]);
                        into.Bytes(utf8[..new Rune(cp).EncodeToUtf8(utf8)]);
                        i = close;
                        break;
                    }
                    default:
                        into.Byte((byte)(HexValue(e) * 16 + HexValue(body[++i])));
                        break;
                }
            }
            else if (c < 0x80) into.Byte((byte)c);
            else if (char.IsHighSurrogate(c))
            {
                into.Bytes(utf8[..new Rune(c, body[i + 1]).EncodeToUtf8(utf8)]);
                i++;
            }
            else into.Bytes(utf8[..new Rune(c).EncodeToUtf8(utf8)]);
        }
    }

    /// <summary>The string that valid UTF-8 bytes encode, or null if they are not valid UTF-8.</summary>
    public static string? Utf8ToString(ReadOnlySpan<byte> bytes)
    {
        bool ascii = true;
        foreach (byte b in bytes) if (b >= 0x80) { ascii = false; break; }
        if (ascii) return Encoding.ASCII.GetString(bytes);
        try { return s_strictUtf8.GetString(bytes); }
        catch (DecoderFallbackException) { return null; }
    }

    /// <summary>
    /// Decodes source bytes (a file, or a <c>(module quote ...)</c> string) to text. Each byte that is
    /// not part of valid UTF-8 becomes the lone surrogate U+DC00+byte, which the lexer reports as
    /// "malformed UTF-8 encoding" wherever it is, so no invalid input is silently replaced.
    /// </summary>
    public static string DecodeSource(ReadOnlySpan<byte> bytes)
    {
        var sb = new StringBuilder(bytes.Length);
        Span<char> pair = stackalloc char[2];
        int i = 0;
        while (i < bytes.Length)
        {
            if (bytes[i] < 0x80) { sb.Append((char)bytes[i]); i++; continue; }
            if (Rune.DecodeFromUtf8(bytes[i..], out Rune r, out int n) == System.Buffers.OperationStatus.Done)
            {
                if (r.IsBmp) sb.Append((char)r.Value);
                else { r.EncodeToUtf16(pair); sb.Append(pair); }
                i += n;
            }
            else { sb.Append((char)(0xDC00 | bytes[i])); i++; }
        }
        return sb.ToString();
    }

    internal static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };
}
