using Hoist.Optimizing.Ir;

namespace Hoist.Optimizing.Translate;

/// <summary>
/// A hash map from a 64-bit key to a <see cref="Value"/>, for the SSA builder's current definitions:
/// open addressing with linear probing, and generation stamps so <see cref="Clear"/> is O(1) however
/// large the table grew for an earlier function. Allocates only when it grows.
/// </summary>
sealed class DefMap
{
    long[] _keys = new long[256];
    Value[] _values = new Value[256];
    uint[] _stamps = new uint[256];
    uint _generation = 1;
    int _count;

    public void Clear()
    {
        _count = 0;
        if (++_generation == 0)
        {
            Array.Clear(_stamps);
            _generation = 1;
        }
    }

    static int Hash(long key) => (int)((ulong)(key * unchecked((long)0x9E3779B97F4A7C15)) >> 40);

    public bool TryGetValue(long key, out Value value)
    {
        int mask = _keys.Length - 1;
        for (int i = Hash(key) & mask; ; i = (i + 1) & mask)
        {
            if (_stamps[i] != _generation) break;
            if (_keys[i] == key)
            {
                value = _values[i];
                return true;
            }
        }
        value = Value.None;
        return false;
    }

    public Value this[long key]
    {
        set
        {
            if (2 * (_count + 1) > _keys.Length) Grow();
            int mask = _keys.Length - 1;
            for (int i = Hash(key) & mask; ; i = (i + 1) & mask)
            {
                if (_stamps[i] != _generation)
                {
                    _stamps[i] = _generation;
                    _keys[i] = key;
                    _values[i] = value;
                    _count++;
                    return;
                }
                if (_keys[i] == key)
                {
                    _values[i] = value;
                    return;
                }
            }
        }
    }

    void Grow()
    {
        var (keys, values, stamps, generation) = (_keys, _values, _stamps, _generation);
        _keys = new long[keys.Length * 2];
        _values = new Value[keys.Length * 2];
        _stamps = new uint[keys.Length * 2];
        _generation = 1;
        _count = 0;
        for (int i = 0; i < keys.Length; i++)
            if (stamps[i] == generation) this[keys[i]] = values[i];
    }
}
