namespace Hoist.Runtime.Native;

/// <summary>
/// The native storage of one linear memory. The whole maximum size is reserved up front (no access, no
/// swap reservation) so the memory never moves: compiled code may keep its base in a register, and
/// growing only makes more of the reservation read+write. New pages read as zero (anonymous mapping).
/// Accessible bytes are exactly [Base, Base + Committed); everything after is inaccessible, so a bounds
/// check bug faults instead of touching another object.
/// </summary>
/// <remarks>
/// A guarded memory (guard pages, see <see cref="GuardPageTraps"/>) is a 32-bit memory that reserves the
/// whole 4 GiB a 32-bit index can reach, plus a guard region, so that compiled code may access
/// <c>base + zext32(index) + offset</c> without a check whenever <c>offset + size ≤ GuardBytes</c>: the access
/// either hits committed memory or faults in the reservation, never touches anything else.
/// <code>
///   Base                       Base + Committed         Base + Reserved (4 GiB)      + GuardBytes
///   | read+write (the memory)  | PROT_NONE: growth room  | PROT_NONE: guard region    |
///   |<--- wasm length -------->|<----------------------->|<-------------------------->|
/// </code>
/// Committed grows in place up to Reserved (never into the guard region); the guard region is never made
/// accessible. Both regions are one mapping, unmapped by <see cref="Dispose"/>.
/// </remarks>
public sealed class LinearMemoryReservation : IDisposable
{
    nint _base;

    /// <param name="initialBytes">bytes accessible at once</param>
    /// <param name="reserveBytes">bytes reserved for growth (≥ initialBytes); the memory can never grow past this</param>
    /// <param name="guardBytes">inaccessible bytes reserved after the growth room (a multiple of the page size)</param>
    public LinearMemoryReservation(ulong initialBytes, ulong reserveBytes, ulong guardBytes = 0)
    {
        if (initialBytes > reserveBytes) throw new ArgumentOutOfRangeException(nameof(initialBytes));
        if (guardBytes % Libc.PageSize != 0) throw new ArgumentOutOfRangeException(nameof(guardBytes), guardBytes, "must be a multiple of the page size");
        Reserved = (ulong)Libc.RoundUpToPage((nuint)Math.Max(reserveBytes, 1));
        GuardBytes = guardBytes;
        _base = Libc.MapAnonymous((nuint)(Reserved + guardBytes), Libc.PROT_NONE, noReserve: true);
        Grow(initialBytes);
    }

    public nint Base => _base != 0 ? _base : throw new ObjectDisposedException(nameof(LinearMemoryReservation));

    /// <summary>Bytes reserved: the ceiling for growth.</summary>
    public ulong Reserved { get; }

    /// <summary>Inaccessible bytes after <see cref="Reserved"/>.</summary>
    public ulong GuardBytes { get; }

    /// <summary>Bytes currently accessible (a multiple of the page size, ≥ the wasm length).</summary>
    public ulong Committed { get; private set; }

    /// <summary>Makes the first <paramref name="bytes"/> bytes accessible. Returns false if that exceeds the reservation.</summary>
    public bool Grow(ulong bytes)
    {
        if (bytes > Reserved) return false;
        ulong target = (ulong)Libc.RoundUpToPage((nuint)bytes);
        if (target > Committed)
        {
            Libc.Protect(_base + (nint)Committed, (nuint)(target - Committed), Libc.PROT_READ | Libc.PROT_WRITE);
            Committed = target;
        }
        return true;
    }

    public void Dispose()
    {
        if (_base == 0) return;
        Libc.munmap(_base, (nuint)(Reserved + GuardBytes));
        _base = 0;
    }
}
