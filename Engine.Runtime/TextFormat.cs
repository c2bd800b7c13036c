using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// The bridge to the text-format front end: WAT text to a module model whose offsets are those of its
/// binary encoding (so traps and backtraces report binary offsets, as for a .wasm file).
/// </summary>
internal static class TextFormat
{
    // The WAT parser (Engine.Common/Text/WatParser) is not on main yet; this is the one place that calls it.
    public static WasmModule Parse(string text, string? file) =>
        throw new NotSupportedException("the text format parser is not part of this build yet; load a binary module");
}
