namespace Hoist.Optimizing.Ir;

/// <summary>The kind of memory an <see cref="AliasRegion"/> names.</summary>
public enum RegionKind : byte
{
    /// <summary>
    /// State that never changes while the instance lives: VMContext fields set at instantiation (memory
    /// bases, which never move; import records; VMFuncRefs; canonical type ids; the builtins table), the
    /// cells of immutable globals, the contents of VMFuncRef records. Nothing writes it.
    /// </summary>
    Const,
    /// <summary>The bytes of linear memory n. Written by its stores, bulk operations on it, and calls.</summary>
    Memory,
    /// <summary>The byte length of linear memory n (its record's length field). Changed by memory.grow and calls.</summary>
    MemorySize,
    /// <summary>The elements of table n. Written by table.set/fill/copy/init/grow and calls.</summary>
    Table,
    /// <summary>The base pointer and length of table n (table.grow may move the elements). Changed by table.grow and calls.</summary>
    TableMeta,
    /// <summary>The cell of mutable global n. Written by global.set n and calls.</summary>
    Global,
    /// <summary>The store context's mutable fields (fuel, epoch deadline). Changed by calls.</summary>
    Store,
}

/// <summary>
/// Which memory a load or store touches, so passes can tell accesses apart: two accesses in different
/// regions never alias, and a call clobbers every region but <see cref="RegionKind.Const"/>. Packed in an
/// int (kind in the top byte, the memory/table/global index below) to live in <see cref="InstData.Ref"/>.
/// Text form: <c>const</c>, <c>store</c>, <c>mem0</c>, <c>mem_size0</c>, <c>table0</c>, <c>table_meta0</c>, <c>global0</c>.
/// </summary>
public readonly record struct AliasRegion(int Bits)
{
    public const int MaxIndex = (1 << 24) - 1;

    public static AliasRegion Of(RegionKind kind, uint index = 0)
    {
        if (index > MaxIndex) throw new ArgumentOutOfRangeException(nameof(index));
        return new(((int)kind << 24) | (int)index);
    }

    public static readonly AliasRegion Const = Of(RegionKind.Const);
    public static readonly AliasRegion StoreContext = Of(RegionKind.Store);
    public static AliasRegion Memory(uint n) => Of(RegionKind.Memory, n);
    public static AliasRegion MemorySize(uint n) => Of(RegionKind.MemorySize, n);
    public static AliasRegion Table(uint n) => Of(RegionKind.Table, n);
    public static AliasRegion TableMeta(uint n) => Of(RegionKind.TableMeta, n);
    public static AliasRegion Global(uint n) => Of(RegionKind.Global, n);

    public RegionKind Kind => (RegionKind)((uint)Bits >> 24);
    public uint Index => (uint)Bits & MaxIndex;

    /// <summary>True for kinds that carry an index.</summary>
    public static bool IsIndexed(RegionKind k) => k is not (RegionKind.Const or RegionKind.Store);

    static readonly string[] s_names = ["const", "mem", "mem_size", "table", "table_meta", "global", "store"];

    public override string ToString() => IsIndexed(Kind) ? s_names[(int)Kind] + Index : s_names[(int)Kind];

    /// <summary>Parses the text form (<c>mem0</c>, <c>const</c>...).</summary>
    public static bool TryParse(string s, out AliasRegion region)
    {
        region = default;
        for (int k = s_names.Length - 1; k >= 0; k--)
        {
            string name = s_names[k];
            if (!s.StartsWith(name, StringComparison.Ordinal)) continue;
            var rest = s.AsSpan(name.Length);
            var kind = (RegionKind)k;
            if (!IsIndexed(kind))
            {
                if (rest.Length != 0) continue;
                region = Of(kind);
                return true;
            }
            if (rest.Length == 0 || rest[0] is < '0' or > '9' || !uint.TryParse(rest, System.Globalization.NumberStyles.None, null, out uint n) || n > MaxIndex) continue;
            region = Of(kind, n);
            return true;
        }
        return false;
    }
}

/// <summary>Flags of a load or store (its <see cref="InstData.Code"/>).</summary>
[Flags]
public enum MemFlags : byte
{
    None = 0,
    /// <summary>
    /// The address is dereferenceable wherever its operands are available (a VMContext field), so the
    /// load may be hoisted or executed speculatively. Without it a load stays below the checks that
    /// guard it. Text: <c>movable</c>.
    /// </summary>
    Movable = 1,
    /// <summary>
    /// The access may fault, and the fault is a trap (a heap access of a guarded linear memory, whose bounds
    /// check the translator left to the hardware): it has an effect even when its result is unused, so dead
    /// code elimination keeps it, and it is never executed speculatively. Text: <c>trap</c>.
    /// </summary>
    Trap = 2,
}
