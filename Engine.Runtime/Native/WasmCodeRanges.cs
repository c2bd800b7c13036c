namespace Hoist.Runtime.Native;

/// <summary>
/// The code ranges of every mapped module, in native memory, for the signal handler
/// (<see cref="FaultHandlerCode"/>) to decide without locks or allocation whether a faulting pc is wasm code.
/// </summary>
/// <remarks>
/// <para>Layout (one mapping, never freed or moved, so the handler can embed its address):</para>
/// <code>
///   +0     u64  slots in use (high-water mark; the handler scans this many)
///   +64    slot 0: { u64 start, u64 end (exclusive), u64 store-context offset in the module's VMContext, u64 0 }
///   +96    slot 1 ...                                      (Capacity slots of 32 bytes; pages appear as touched)
/// </code>
/// <para>A free slot has start = 0. Writers are serialised by a lock; the handler only reads. Adding writes
/// the offset and end before the start, removing clears the start first (x86 keeps stores in order and
/// loads in order), and the handler re-reads the start after reading the rest, so it never uses a slot
/// mixed from two registrations with different starts. A range is removed before its code is unmapped.</para>
/// </remarks>
internal static unsafe class WasmCodeRanges
{
    public const int HeaderSize = 64, SlotSize = 32;
    public const int StartField = 0, EndField = 8, StoreContextField = 16;
    const int Capacity = 1 << 20;                 // live modules at once; 32 MiB of address space, touched as used

    static readonly object s_gate = new();
    static readonly Stack<int> s_free = new();
    static nint s_table;
    static long s_used;

    /// <summary>The table's address (mapped on first use).</summary>
    public static nint Table
    {
        get
        {
            lock (s_gate) return EnsureTable();
        }
    }

    static nint EnsureTable()
    {
        if (s_table == 0)
            s_table = Libc.MapAnonymous((nuint)(HeaderSize + (long)SlotSize * Capacity), Libc.PROT_READ | Libc.PROT_WRITE, noReserve: true);
        return s_table;
    }

    /// <summary>Publishes [start, start + length) as wasm code whose VMContexts hold their store context at <paramref name="storeContextOffset"/>; returns the slot.</summary>
    public static int Add(nint start, int length, int storeContextOffset)
    {
        if (start == 0 || length <= 0) throw new ArgumentOutOfRangeException(nameof(start));
        lock (s_gate)
        {
            nint table = EnsureTable();
            int slot;
            if (s_free.Count > 0) slot = s_free.Pop();
            else if (s_used < Capacity) slot = (int)s_used;
            else throw new OutOfMemoryException($"more than {Capacity} modules' code is mapped at once");
            long* p = (long*)(table + HeaderSize + (nint)slot * SlotSize);
            Volatile.Write(ref p[2], storeContextOffset);
            Volatile.Write(ref p[1], start + length);
            Volatile.Write(ref p[0], start);
            if (slot == s_used) Volatile.Write(ref *(long*)table, ++s_used);
            return slot;
        }
    }

    /// <summary>Withdraws a range (before its code is unmapped).</summary>
    public static void Remove(int slot)
    {
        lock (s_gate)
        {
            long* p = (long*)(s_table + HeaderSize + (nint)slot * SlotSize);
            if (p[0] == 0) throw new InvalidOperationException($"code range slot {slot} is not in use");
            Volatile.Write(ref p[0], 0);
            s_free.Push(slot);
        }
    }

    /// <summary>True if <paramref name="pc"/> lies in a published range (what the signal handler decides, for tests).</summary>
    public static bool Contains(nint pc)
    {
        lock (s_gate)
        {
            if (s_table == 0) return false;
            for (long i = 0; i < s_used; i++)
            {
                long* p = (long*)(s_table + HeaderSize + (nint)i * SlotSize);
                if (p[0] != 0 && pc >= p[0] && pc < p[1]) return true;
            }
            return false;
        }
    }
}
