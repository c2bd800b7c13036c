namespace Hoist.Runtime.Native;

/// <summary>
/// The native storage of one linear memory. The whole maximum size is reserved up front (no access, no
/// swap reservation) so the memory never moves: compiled code may keep its base in a register, and
/// growing only makes more of the reservation read+write. New pages read as zero (anonymous mapping).
/// Accessible bytes are exactly [Base, Base + Committed); everything after is inaccessible, so a bounds
/// check bug faults instead of touching another object.
/// </summary>
public sealed class LinearMemoryReservation : IDisposable
{
    nint _base;

    /// <param name="initialBytes">bytes accessible at once</param>
    /// <param name="reserveBytes">bytes reserved for growth (≥ initialBytes); the memory can never grow past this</param>
    public LinearMemoryReservation(ulong initialBytes, ulong reserveBytes)
    {
        if (initialBytes > reserveBytes) throw new ArgumentOutOfRangeException(nameof(initialBytes));
        Reserved = (ulong)Libc.RoundUpToPage((nuint)Math.Max(reserveBytes, 1));
        _base = Libc.MapAnonymous((nuint)Reserved, Libc.PROT_NONE, noReserve: true);
        Grow(initialBytes);
    }

    public nint Base => _base != 0 ? _base : throw new ObjectDisposedException(nameof(LinearMemoryReservation));

    /// <summary>Bytes reserved: the ceiling for growth.</summary>
    public ulong Reserved { get; }

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
        Libc.munmap(_base, (nuint)Reserved);
        _base = 0;
    }
}
