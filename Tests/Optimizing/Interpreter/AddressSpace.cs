using System.Buffers.Binary;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>
/// The emulated native memory the IR interpreter runs against: disjoint segments (VMContexts, linear
/// memories, table element arrays, the builtins table...) at made-up 64-bit addresses far apart, so the
/// IR's address arithmetic works unchanged and any access outside a segment is caught as a compiler bug
/// (<see cref="UnmappedAccessException"/>), never as a crash.
/// </summary>
sealed class AddressSpace
{
    const long Stride = 1L << 36;
    long _next = 1L << 40;
    readonly List<Segment> _segments = new();

    public sealed class Segment(long @base, byte[] data)
    {
        public long Base { get; } = @base;
        public byte[] Data { get; set; } = data;
        /// <summary>The accessible size (a memory may keep spare capacity after it).</summary>
        public long Size { get; set; } = data.Length;
    }

    public Segment Allocate(long size)
    {
        var s = new Segment(_next, new byte[size]);
        _next += Stride;
        _segments.Add(s);
        return s;
    }

    Segment Find(long address, int length)
    {
        int lo = 0, hi = _segments.Count - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >> 1;
            var s = _segments[mid];
            if (address < s.Base) hi = mid - 1;
            else if (address >= s.Base + Stride) lo = mid + 1;
            else
            {
                if (address - s.Base + length > s.Size) break;
                return s;
            }
        }
        throw new UnmappedAccessException($"the IR accessed {length} bytes at unmapped address 0x{address:x}");
    }

    public ulong Read(long address, int size)
    {
        var s = Find(address, size);
        var span = s.Data.AsSpan((int)(address - s.Base), size);
        return size switch
        {
            1 => span[0],
            2 => BinaryPrimitives.ReadUInt16LittleEndian(span),
            4 => BinaryPrimitives.ReadUInt32LittleEndian(span),
            _ => BinaryPrimitives.ReadUInt64LittleEndian(span),
        };
    }

    public void Write(long address, int size, ulong value)
    {
        var s = Find(address, size);
        var span = s.Data.AsSpan((int)(address - s.Base), size);
        switch (size)
        {
            case 1: span[0] = (byte)value; break;
            case 2: BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)value); break;
            case 4: BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)value); break;
            default: BinaryPrimitives.WriteUInt64LittleEndian(span, value); break;
        }
    }

    public long ReadI64(long address) => (long)Read(address, 8);
    public void WriteI64(long address, long value) => Write(address, 8, (ulong)value);
}

/// <summary>The interpreted IR touched memory no correct compilation would: a bug, reported as such.</summary>
sealed class UnmappedAccessException(string message) : Exception(message);

/// <summary>A wasm trap raised while interpreting.</summary>
sealed class InterpTrap(Hoist.Vm.TrapCode code) : Exception(Hoist.Vm.TrapCodes.Message(code))
{
    public Hoist.Vm.TrapCode Code { get; } = code;
}
