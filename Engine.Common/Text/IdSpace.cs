namespace Hoist.Wasm.Text;

/// <summary>
/// One index space of a module being parsed (types, functions, locals, fields of one struct, ...):
/// how many entries it has so far and the symbolic ids bound to them. An id may be bound once
/// ("duplicate func"); looking up one that is not bound is "unknown function".
/// </summary>
internal sealed class IdSpace(string duplicateWord, string unknownWord)
{
    readonly Dictionary<string, uint> _ids = new(StringComparer.Ordinal);
    Dictionary<string, uint>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    bool _lookupReady;

    /// <summary>The number of entries (named or not).</summary>
    public uint Count { get; set; }

    /// <summary>Word used in "duplicate X" messages: func, local, type, ...</summary>
    public string DuplicateWord { get; } = duplicateWord;
    /// <summary>Word used in "unknown X" messages: function, local, type, ...</summary>
    public string UnknownWord { get; } = unknownWord;

    /// <summary>Adds one entry, binding <paramref name="id"/> to it when given; false if the id was already bound.</summary>
    public bool TryAdd(string? id, out uint index)
    {
        index = Count++;
        return id is null || _ids.TryAdd(id, index);
    }

    public bool TryResolve(ReadOnlySpan<char> id, out uint index)
    {
        if (!_lookupReady) { _lookup = _ids.GetAlternateLookup<ReadOnlySpan<char>>(); _lookupReady = true; }
        return _lookup.TryGetValue(id, out index);
    }

    public bool TryResolve(string id, out uint index) => _ids.TryGetValue(id, out index);

    public bool HasIds => _ids.Count > 0;

    /// <summary>The bound ids, for the name section.</summary>
    public IEnumerable<KeyValuePair<string, uint>> Ids => _ids;

    public void Clear()
    {
        _ids.Clear();
        Count = 0;
    }
}
