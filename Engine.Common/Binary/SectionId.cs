namespace Hoist.Wasm.Binary;

/// <summary>The id byte of a section of the binary format (Wasm 3.0).</summary>
public enum SectionId : byte
{
    Custom = 0,
    Type = 1,
    Import = 2,
    Function = 3,
    Table = 4,
    Memory = 5,
    Global = 6,
    Export = 7,
    Start = 8,
    Element = 9,
    Code = 10,
    Data = 11,
    DataCount = 12,
    Tag = 13,
}

/// <summary>
/// The order known sections must appear in. It is not the id order: the tag section (13) sits
/// between memory and global, and data count (12) between element and code.
/// </summary>
public static class SectionOrder
{
    /// <summary>Every known (non-custom) section, in the order a module must list them.</summary>
    public static ReadOnlySpan<SectionId> Canonical =>
    [
        SectionId.Type, SectionId.Import, SectionId.Function, SectionId.Table, SectionId.Memory,
        SectionId.Tag, SectionId.Global, SectionId.Export, SectionId.Start, SectionId.Element,
        SectionId.DataCount, SectionId.Code, SectionId.Data,
    ];

    /// <summary>1-based rank of a known section in <see cref="Canonical"/>; 0 for custom; -1 for an unknown id.</summary>
    public static int Rank(byte id) => id switch
    {
        0 => 0,
        1 => 1, 2 => 2, 3 => 3, 4 => 4, 5 => 5,
        13 => 6,
        6 => 7, 7 => 8, 8 => 9, 9 => 10,
        12 => 11,
        10 => 12, 11 => 13,
        _ => -1,
    };
}
