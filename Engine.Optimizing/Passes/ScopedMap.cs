namespace Hoist.Optimizing.Passes;

/// <summary>A key of a <see cref="ScopedMap{TKey, TValue}"/>: equality and a well-mixed hash, both cheap.</summary>
internal interface IScopedKey<TKey> where TKey : struct
{
    int Hash();
    bool Same(in TKey other);
}

/// <summary>Hashing for <see cref="IScopedKey{TKey}"/> implementations.</summary>
internal static class KeyHash
{
    /// <summary>A 32-bit mix of a few integers (multiply and fold; the table masks the low bits).</summary>
    public static int Mix(long a, long b, long c)
    {
        ulong h = (ulong)a * 0x9E3779B97F4A7C15UL;
        h = (h ^ (h >> 29) ^ (ulong)b) * 0xBF58476D1CE4E5B9UL;
        h = (h ^ (h >> 31) ^ (ulong)c) * 0x94D049BB133111EBUL;
        return (int)(h >> 32);
    }
}

/// <summary>
/// The scoped hash table of the dominator-tree walks (value numbering, redundant loads): <see cref="Set"/> records
/// what it changed, and <see cref="UndoTo"/> restores the table to an earlier <see cref="Mark"/> when the walk
/// leaves a subtree. Open addressing with linear probing, sized once per function (<see cref="Reset"/>) for
/// at most the number of entries the caller announces, so it never rehashes during a walk and slots stay put.
/// <para>
/// Invariant that makes removal safe without tombstones: undo runs in exactly the reverse order of the
/// changes, so when an entry added by <see cref="Set"/> is removed, every entry added after it (which might
/// have probed past its slot) is gone already. Emptying is O(1) by generation stamps; one instance serves a
/// thread's functions one after another and allocates only when a larger function needs a larger table.
/// No default comparers, no boxing: keys compare through <see cref="IScopedKey{TKey}"/>.
/// </para>
/// </summary>
internal sealed class ScopedMap<TKey, TValue> where TKey : struct, IScopedKey<TKey>
{
    TKey[] _keys = new TKey[64];
    TValue[] _values = new TValue[64];
    uint[] _stamps = new uint[64];
    uint _generation = 1;
    int _capacityLimit;
    int _count;

    // The undo log: slot, whether it held the key before, and the value it held.
    int[] _undoSlot = new int[64];
    bool[] _undoHad = new bool[64];
    TValue[] _undoValue = new TValue[64];
    int _undoCount;

    /// <summary>Empties the table for a walk that will hold at most <paramref name="maxEntries"/> keys at once.</summary>
    public void Reset(int maxEntries)
    {
        int need = Math.Max(64, (int)System.Numerics.BitOperations.RoundUpToPowerOf2((uint)Math.Max(1, maxEntries) * 2));
        if (_keys.Length < need)
        {
            _keys = new TKey[need];
            _values = new TValue[need];
            _stamps = new uint[need];
            _generation = 1;
        }
        else if (++_generation == 0)
        {
            Array.Clear(_stamps);
            _generation = 1;
        }
        _capacityLimit = Math.Max(1, maxEntries);
        _count = 0;
        _undoCount = 0;
    }

    /// <summary>The current position of the undo log, for <see cref="UndoTo"/>.</summary>
    public int Mark => _undoCount;

    public bool TryGetValue(in TKey key, out TValue value)
    {
        int mask = _keys.Length - 1;
        for (int i = key.Hash() & mask; ; i = (i + 1) & mask)
        {
            if (_stamps[i] != _generation) break;
            if (_keys[i].Same(key))
            {
                value = _values[i];
                return true;
            }
        }
        value = default!;
        return false;
    }

    /// <summary>Maps <paramref name="key"/> to <paramref name="value"/>, remembering what was there for <see cref="UndoTo"/>.</summary>
    public void Set(in TKey key, TValue value)
    {
        int mask = _keys.Length - 1;
        int i = key.Hash() & mask;
        for (; ; i = (i + 1) & mask)
        {
            if (_stamps[i] != _generation)
            {
                if (_count == _capacityLimit) throw new InvalidOperationException("ScopedMap: more entries than announced to Reset");
                _stamps[i] = _generation;
                _keys[i] = key;
                _count++;
                Log(i, false, default!);
                break;
            }
            if (_keys[i].Same(key))
            {
                Log(i, true, _values[i]);
                break;
            }
        }
        _values[i] = value;
    }

    void Log(int slot, bool had, TValue previous)
    {
        if (_undoCount == _undoSlot.Length)
        {
            Array.Resize(ref _undoSlot, _undoCount * 2);
            Array.Resize(ref _undoHad, _undoCount * 2);
            Array.Resize(ref _undoValue, _undoCount * 2);
        }
        _undoSlot[_undoCount] = slot;
        _undoHad[_undoCount] = had;
        _undoValue[_undoCount++] = previous;
    }

    /// <summary>Undoes every <see cref="Set"/> since <paramref name="mark"/>, latest first.</summary>
    public void UndoTo(int mark)
    {
        for (int k = _undoCount - 1; k >= mark; k--)
        {
            int slot = _undoSlot[k];
            if (_undoHad[k]) _values[slot] = _undoValue[k];
            else
            {
                _stamps[slot] = 0;
                _count--;
            }
        }
        _undoCount = mark;
    }
}
