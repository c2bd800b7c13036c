using System.Runtime.InteropServices;
using Hoist.Runtime.Native;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// A linear memory. Its bytes are native and never move: the whole growth range is reserved up front
/// (<see cref="LinearMemoryReservation"/>), so <see cref="Base"/> is stable for the memory's life. The
/// native definition record { base, length in bytes } that compiled code reads lives inline in the
/// defining instance's VMContext (or in a block of its own for a memory the host creates); importers
/// point to it, so a grow is seen by all.
/// </summary>
/// <remarks>
/// Reservation: a 32-bit memory reserves its maximum (at most 4 GiB); a 64-bit one its maximum, at most
/// <see cref="Config.Memory64ReservationCap"/>; a guarded one (<see cref="Config.GuardPages"/>) 4 GiB plus its guard
/// region. Growing beyond the declared maximum, the address space of
/// the memory's address type, or the reservation fails (memory.grow returns -1).
/// </remarks>
public sealed unsafe class Memory : Extern
{
    readonly LinearMemoryReservation _reservation;
    readonly ulong _maxPages;
    readonly nint _definition;

    /// <summary>A memory created by the host (to be imported by modules).</summary>
    public Memory(Store store, MemoryType type) : this(store, CheckHostType(type), store.AllocateNative(16)) { }

    internal Memory(Store store, MemoryType type, nint definition) : base(store)
    {
        Type = type;
        _definition = definition;
        Limits l = type.Limits;
        ulong pageSize = 1UL << l.PageSizeLog2;
        int addressBits = l.Is64 ? 64 : 32;
        ulong spacePages = addressBits - l.PageSizeLog2 >= 64 ? ulong.MaxValue : 1UL << (addressBits - l.PageSizeLog2);
        _maxPages = Math.Min(l.Max ?? ulong.MaxValue, spacePages);
        ulong cap = l.Is64 ? store.Engine.Config.Memory64ReservationCap : 1UL << 32;
        ulong reserve = _maxPages > cap / pageSize ? cap : _maxPages * pageSize;
        if (l.Min > reserve / pageSize)
            throw new LinkException($"a memory of {l.Min} pages exceeds the engine's reservation limit of {reserve} bytes", default);
        // A guarded memory reserves all a 32-bit index reaches, then its guard (compiled code relies on it).
        GuardBytes = MemoryGuardPolicy.GuardBytes(l, store.Engine.MemoryGuardBytes);
        if (GuardBytes > 0) reserve = MemoryGuardPolicy.GuardedReservation;
        _reservation = new LinearMemoryReservation(l.Min * pageSize, reserve, GuardBytes);
        store.Own(_reservation);
        *(nint*)(definition + VmOffsets.MemoryBase) = _reservation.Base;
        *(ulong*)(definition + VmOffsets.MemoryLength) = l.Min * pageSize;
    }

    static MemoryType CheckHostType(MemoryType t)
    {
        Limits l = t.Limits;
        if (l.Max is ulong max && max < l.Min) throw new ArgumentException("the memory's maximum is below its minimum", nameof(t));
        if (l.PageSizeLog2 is not (0 or 16)) throw new ArgumentException("the page size must be 1 or 65536 bytes", nameof(t));
        if (l.Shared) throw new NotSupportedException("shared memories are not supported yet");
        return t;
    }

    public override ExternKind Kind => ExternKind.Memory;

    /// <summary>The inaccessible region after the memory's 4 GiB reservation when it is guarded, else 0 (see <see cref="MemoryGuardPolicy"/>).</summary>
    internal ulong GuardBytes { get; }

    /// <summary>The declared type (its minimum is the initial size; see <see cref="Size"/> for the current one).</summary>
    public MemoryType Type { get; }

    /// <summary>The native { base, length } record compiled code reads.</summary>
    internal nint Definition
    {
        get
        {
            Store.ThrowIfDisposed();
            return _definition;
        }
    }

    public ulong PageSize => 1UL << Type.Limits.PageSizeLog2;

    /// <summary>The current size in bytes.</summary>
    public ulong Length => *(ulong*)(Definition + VmOffsets.MemoryLength);

    /// <summary>The current size in pages.</summary>
    public ulong Size => Length >> Type.Limits.PageSizeLog2;

    /// <summary>The address of byte 0 (stable for the memory's life).</summary>
    public nint Base => *(nint*)(Definition + VmOffsets.MemoryBase);

    /// <summary>Grows by <paramref name="deltaPages"/>; returns the old size in pages, or -1 if it cannot grow.</summary>
    public long Grow(ulong deltaPages)
    {
        ulong old = GrowRaw(deltaPages);
        return old == ulong.MaxValue ? -1 : (long)old;
    }

    /// <summary>memory.grow: the old size in pages, or <see cref="ulong.MaxValue"/> on failure.</summary>
    internal ulong GrowRaw(ulong deltaPages)
    {
        ulong old = Size;
        // Bounded by the reservation too, so the byte size below cannot overflow.
        ulong limit = Math.Min(_maxPages, _reservation.Reserved >> Type.Limits.PageSizeLog2);
        if (deltaPages > limit - old) return ulong.MaxValue;
        ulong pages = old + deltaPages;
        ulong bytes = pages << Type.Limits.PageSizeLog2;
        if (!_reservation.Grow(bytes)) return ulong.MaxValue;
        *(ulong*)(Definition + VmOffsets.MemoryLength) = bytes;
        return old;
    }

    /// <summary>The bytes [offset, offset + length) of the memory; throws if they are not all inside it.</summary>
    public Span<byte> GetSpan(ulong offset, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ulong size = Length;
        if (offset > size || (ulong)length > size - offset)
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset}+{length}) is outside the memory of {size} bytes");
        return new Span<byte>((void*)(Base + (nint)offset), length);
    }

    /// <summary>The whole memory (for memories of at most 2 GiB - 1 bytes). Valid until the memory grows.</summary>
    public Span<byte> Span => Length <= int.MaxValue
        ? new Span<byte>((void*)Base, (int)Length)
        : throw new InvalidOperationException("the memory is too large for one span; use GetSpan");

    /// <summary>Reads a value (little-endian, unaligned) at <paramref name="offset"/>.</summary>
    public T Read<T>(ulong offset) where T : unmanaged => MemoryMarshal.Read<T>(GetSpan(offset, sizeof(T)));

    /// <summary>Writes a value (little-endian, unaligned) at <paramref name="offset"/>.</summary>
    public void Write<T>(ulong offset, T value) where T : unmanaged => MemoryMarshal.Write(GetSpan(offset, sizeof(T)), in value);

    public override string ToString() => $"memory {Size} pages";
}
