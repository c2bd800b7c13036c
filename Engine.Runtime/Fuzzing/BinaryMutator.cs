namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Deterministic byte-level mutations of binary modules (bit flips, interesting bytes, insertions,
/// deletions, duplications, truncations, LEB128 stretching), for robustness testing of every stage
/// that reads untrusted bytes. The same seed gives the same sequence of inputs on every machine.
/// </summary>
public sealed class BinaryMutator(int seed)
{
    readonly Random _random = new(seed);

    static readonly byte[] s_interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0x40, 0x41, 0x0B, 0x60, 0x70, 0x6F, 0xFC, 0xFD, 0xFB];

    /// <summary>Returns a mutated copy of <paramref name="input"/> with one to four mutations.</summary>
    public byte[] Mutate(ReadOnlySpan<byte> input)
    {
        var bytes = new List<byte>(input.Length + 16);
        foreach (byte b in input) bytes.Add(b);
        int count = 1 + _random.Next(4);
        for (int i = 0; i < count; i++) MutateOnce(bytes);
        return bytes.ToArray();
    }

    void MutateOnce(List<byte> b)
    {
        // Mutations past the 8-byte header are far more useful: bias positions there.
        int Pos(int extra = 0) => b.Count + extra <= 8 ? _random.Next(b.Count + extra) : 8 + _random.Next(b.Count + extra - 8);
        if (b.Count == 0) { b.Add((byte)_random.Next(256)); return; }
        switch (_random.Next(8))
        {
            case 0: { int p = Pos(); b[p] ^= (byte)(1 << _random.Next(8)); break; }
            case 1: { int p = Pos(); b[p] = s_interesting[_random.Next(s_interesting.Length)]; break; }
            case 2: { int p = Pos(); b[p] = (byte)_random.Next(256); break; }
            case 3: { int p = Pos(1); int n = 1 + _random.Next(4); for (int i = 0; i < n; i++) b.Insert(p, (byte)_random.Next(256)); break; }
            case 4: { int p = Pos(); int n = Math.Min(1 + _random.Next(8), b.Count - p); b.RemoveRange(p, n); break; }
            case 5: { int p = Pos(); int n = Math.Min(1 + _random.Next(16), b.Count - p); b.InsertRange(Pos(1), b.GetRange(p, n)); break; }
            case 6: { int p = Pos(); b.RemoveRange(p, b.Count - p); break; }
            default:
            {
                // Stretch a byte into a longer LEB128 encoding of the same value, or make it a continuation byte.
                int p = Pos();
                if (b[p] < 0x80 && _random.Next(2) == 0) { b[p] |= 0x80; b.Insert(p + 1, 0x00); }
                else b[p] |= 0x80;
                break;
            }
        }
    }
}
