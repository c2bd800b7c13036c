using System.Diagnostics.CodeAnalysis;

namespace Hoist.Wasm.Validation;

/// <summary>
/// Throw helpers for validation errors. Messages use the spec test suite's wording (the suite matches
/// them by prefix), e.g. <c>unknown global 3</c>, <c>type mismatch: ...</c>. Kept out of line so the
/// hot paths that call them stay small.
/// </summary>
static class ValidationError
{
    [DoesNotReturn]
    public static void Throw(long offset, string message) =>
        throw new ValidationException(message, SourceLocation.AtOffset(offset));

    [DoesNotReturn]
    public static void Unknown(long offset, string space, ulong index) =>
        throw new ValidationException($"unknown {space} {index}", SourceLocation.AtOffset(offset));

    [DoesNotReturn]
    public static void Malformed(long offset, string message) =>
        throw new MalformedException(message, SourceLocation.AtOffset(offset));
}
