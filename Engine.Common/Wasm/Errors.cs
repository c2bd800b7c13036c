using System.Globalization;

namespace Hoist.Wasm;

/// <summary>
/// Where a problem is: a file (may be null), and either a byte offset in a binary module or a
/// 1-based line and column in a text file.
/// </summary>
public readonly record struct SourceLocation(string? File, long Offset = -1, int Line = 0, int Column = 0)
{
    public static SourceLocation AtOffset(long offset, string? file = null) => new(file, Offset: offset);
    public static SourceLocation AtLine(int line, int column, string? file = null) => new(file, Line: line, Column: column);

    public bool IsText => Line > 0;

    /// <summary><c>FILE:OFFSET</c> (offset in hex, as wasm tools print it) or <c>FILE:LINE:COL</c>.</summary>
    public override string ToString()
    {
        string file = File ?? "<input>";
        if (IsText) return string.Create(CultureInfo.InvariantCulture, $"{file}:{Line}:{Column}");
        if (Offset >= 0) return string.Create(CultureInfo.InvariantCulture, $"{file}:0x{Offset:x}");
        return file;
    }
}

/// <summary>
/// The base of every error Hoist reports about user input (malformed or invalid modules, link
/// errors, traps). <see cref="Exception.Message"/> is the bare message, in the spec tests' words
/// where they state one; <see cref="ToString"/> gives the one-line form with the location.
/// </summary>
public abstract class WasmException(string message, SourceLocation location, Exception? inner = null)
    : Exception(message, inner)
{
    public SourceLocation Location { get; private set; } = location;

    /// <summary>Returns this exception with its location's file set (locations are made before the file is known).</summary>
    public WasmException WithFile(string? file)
    {
        if (file is not null && Location.File is null) Location = Location with { File = file };
        return this;
    }

    /// <summary>One line: <c>FILE:OFFSET: message</c> or <c>FILE:LINE:COL: message</c>.</summary>
    public string OneLine => $"{Location}: {Message}";

    public override string ToString() => OneLine;
}

/// <summary>The input is not a well-formed binary or text module (the spec's "malformed").</summary>
public sealed class MalformedException(string message, SourceLocation location, Exception? inner = null)
    : WasmException(message, location, inner);

/// <summary>The module is well-formed but does not validate (the spec's "invalid").</summary>
public sealed class ValidationException(string message, SourceLocation location)
    : WasmException(message, location);
