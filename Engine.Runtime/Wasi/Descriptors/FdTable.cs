namespace Hoist.Runtime.Wasi.Descriptors;

/// <summary>
/// The guest's file descriptor numbers: 0-2 stdio, then the preopens in order from 3 (wasi-libc finds
/// them by calling fd_prestat_get from 3 up until EBADF), then whatever the guest opens, each at the
/// lowest free number, as POSIX does. A closed or never-used number is EBADF.
/// </summary>
internal sealed class FdTable
{
    /// <summary>The most descriptors a guest may hold at once (beyond it, opens fail with EMFILE).</summary>
    public const int MaxDescriptors = 1 << 16;

    readonly List<Descriptor?> _slots = [];

    public Errno Get(uint fd, out Descriptor descriptor)
    {
        descriptor = fd < (uint)_slots.Count ? _slots[(int)fd]! : null!;
        return descriptor is null ? Errno.BadF : Errno.Success;
    }

    /// <summary>Puts <paramref name="descriptor"/> at <paramref name="fd"/> (setting up stdio and preopens).</summary>
    public void Set(uint fd, Descriptor? descriptor)
    {
        while (_slots.Count <= fd) _slots.Add(null);
        _slots[(int)fd] = descriptor;
    }

    /// <summary>Puts <paramref name="descriptor"/> at the lowest free number.</summary>
    public Errno Insert(Descriptor descriptor, out uint fd)
    {
        int i = _slots.IndexOf(null);
        if (i < 0)
        {
            if (_slots.Count >= MaxDescriptors) { fd = 0; return Errno.MFile; }
            i = _slots.Count;
            _slots.Add(null);
        }
        _slots[i] = descriptor;
        fd = (uint)i;
        return Errno.Success;
    }

    public Errno Close(uint fd)
    {
        Errno e = Get(fd, out Descriptor d);
        if (e != Errno.Success) return e;
        _slots[(int)fd] = null;
        return d.Close();
    }

    /// <summary>fd_renumber: <paramref name="to"/> (which must be open) is closed and <paramref name="from"/> moves there.</summary>
    public Errno Renumber(uint from, uint to)
    {
        Errno e = Get(from, out Descriptor source);
        if (e != Errno.Success) return e;
        e = Get(to, out Descriptor target);
        if (e != Errno.Success) return e;
        if (from == to) return Errno.Success;
        target.Close();
        _slots[(int)to] = source;
        _slots[(int)from] = null;
        return Errno.Success;
    }

    /// <summary>Closes every descriptor (the end of the context).</summary>
    public void CloseAll()
    {
        foreach (var d in _slots) d?.Close();
        _slots.Clear();
    }
}
