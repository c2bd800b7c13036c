using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// Instantiation failed before any code ran: an import is missing ("unknown import") or does not match
/// ("incompatible import type"), in the spec tests' words, or the engine cannot provide a resource the
/// module asks for. <see cref="Exception.Message"/> starts with the spec wording; the details follow.
/// </summary>
public sealed class LinkException(string message, SourceLocation location = default) : WasmException(message, location)
{
    public const string UnknownImport = "unknown import";
    public const string IncompatibleImportType = "incompatible import type";
}
