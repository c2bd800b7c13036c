namespace Hoist.Isa;

/// <summary>
/// A position in the code of one function, created by <see cref="CodeBuffer.NewLabel"/>, bound at most
/// once by <see cref="CodeBuffer.Bind"/>, and referenced by branches, RIP-relative operands and jump-table
/// entries before or after it is bound. A label belongs to the buffer that made it and is valid until that
/// buffer's next <see cref="CodeBuffer.Reset"/>. <c>default(Label)</c> is not a label.
/// </summary>
public readonly struct Label : IEquatable<Label>
{
    /// <summary>1-based index into the buffer's label table; 0 means "no label".</summary>
    internal readonly int Id;

    internal Label(int id) => Id = id;

    public bool IsValid => Id > 0;

    public bool Equals(Label other) => Id == other.Id;
    public override bool Equals(object? obj) => obj is Label l && Equals(l);
    public override int GetHashCode() => Id;
    public static bool operator ==(Label a, Label b) => a.Id == b.Id;
    public static bool operator !=(Label a, Label b) => a.Id != b.Id;
    public override string ToString() => IsValid ? $"L{Id}" : "<no label>";
}
