using Hoist.Runtime.Wasi.Descriptors;
using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi;

// poll_oneoff: waits until at least one subscription fires and reports every one that has.
//  - clock: relative or absolute (subscription_clock_abstime) on any clock; fires when its deadline,
//    converted to the monotonic clock, has passed. An unknown clock is an event with EINVAL.
//  - fd_read / fd_write: descriptors that are always ready (regular files, directories, .NET streams)
//    fire at once (fd_read's nbytes = the bytes left before end of file); the others (pipes, terminals,
//    sockets) are waited for with ppoll, nbytes from FIONREAD, and POLLHUP sets fd_readwrite_hangup.
//    A bad descriptor or one without poll_fd_readwrite is an event carrying EBADF / ENOTCAPABLE.
// No subscriptions is EINVAL (it would wait forever).
public sealed partial class WasiContext
{
    readonly record struct PollEvent(ulong Userdata, Errno Error, EventType Type, ulong Bytes = 0, Eventrwflags Flags = 0);

    readonly record struct FdWait(ulong Userdata, EventType Type, int HostFd);

    internal unsafe Errno PollOneoff(in GuestMemory m, uint subscriptions, uint events, uint count, uint resultPtr)
    {
        if (count == 0) return Errno.Inval;
        m.Check(subscriptions, (ulong)count * WasiLayout.SubscriptionSize);
        m.Check(events, (ulong)count * WasiLayout.EventSize);
        m.Check(resultPtr, 4);

        Errno e = Now((uint)ClockId.Monotonic, out ulong start);
        if (e != Errno.Success) return e;
        var fired = new List<PollEvent>();
        var clocks = new List<(ulong Userdata, ulong Deadline)>();
        var waits = new List<FdWait>();
        for (uint i = 0; i < count; i++)
        {
            uint s = subscriptions + i * WasiLayout.SubscriptionSize;
            ulong userdata = m.U64(s);
            switch ((EventType)m.U8(s + WasiLayout.SubscriptionTag))
            {
                case EventType.Clock:
                {
                    uint id = m.U32(s + WasiLayout.SubscriptionClockId);
                    ulong timeout = m.U64(s + WasiLayout.SubscriptionTimeout);
                    bool absolute = (m.U16(s + WasiLayout.SubscriptionFlags) & (ushort)Subclockflags.SubscriptionClockAbstime) != 0;
                    if (Now(id, out ulong clockNow) != Errno.Success)
                    {
                        fired.Add(new PollEvent(userdata, Errno.Inval, EventType.Clock));
                        break;
                    }
                    ulong wait = absolute ? (timeout > clockNow ? timeout - clockNow : 0) : timeout;
                    clocks.Add((userdata, wait > ulong.MaxValue - start ? ulong.MaxValue : start + wait));
                    break;
                }
                case EventType.FdRead:
                case EventType.FdWrite:
                {
                    var type = (EventType)m.U8(s + WasiLayout.SubscriptionTag);
                    Errno le = Lookup(m.U32(s + WasiLayout.SubscriptionFd), Rights.PollFdReadwrite, out Descriptor d);
                    if (le != Errno.Success) fired.Add(new PollEvent(userdata, le, type));
                    else if (d.PollHandle < 0) fired.Add(new PollEvent(userdata, Errno.Success, type, type == EventType.FdRead ? d.ReadableBytes : 0));
                    else waits.Add(new FdWait(userdata, type, d.PollHandle));
                    break;
                }
                default:
                    return Errno.Inval;
            }
        }

        var pollFds = new Posix.PollFd[waits.Count];
        for (int i = 0; i < waits.Count; i++)
            pollFds[i] = new Posix.PollFd { Fd = waits[i].HostFd, Events = waits[i].Type == EventType.FdRead ? Posix.POLLIN : Posix.POLLOUT };
        ulong earliest = clocks.Count == 0 ? ulong.MaxValue : clocks.Min(c => c.Deadline);
        while (true)
        {
            Now((uint)ClockId.Monotonic, out ulong now);
            // With events already fired, only look (timeout 0); else wait for the earliest clock or forever.
            bool forever = fired.Count == 0 && earliest == ulong.MaxValue;
            ulong wait = fired.Count > 0 || now >= earliest ? 0 : earliest - now;
            var ts = new Posix.Timespec { Sec = (long)Math.Min(wait / 1_000_000_000, long.MaxValue), Nsec = (long)(wait % 1_000_000_000) };
            int ready;
            fixed (Posix.PollFd* p = pollFds)
                ready = Posix.ppoll(p, (ulong)pollFds.Length, forever ? null : &ts, 0);
            if (ready < 0)
            {
                if (Posix.LastError == Posix.EINTR) continue;
                return HostErrno.Last;
            }
            for (int i = 0; i < pollFds.Length && ready > 0; i++)
                if (pollFds[i].Revents != 0) fired.Add(FdEvent(waits[i], pollFds[i].Revents));
            Now((uint)ClockId.Monotonic, out now);
            foreach (var (userdata, deadline) in clocks)
                if (now >= deadline) fired.Add(new PollEvent(userdata, Errno.Success, EventType.Clock));
            if (fired.Count > 0) break;
        }

        for (int i = 0; i < fired.Count; i++)
        {
            uint at = events + (uint)i * WasiLayout.EventSize;
            var ev = fired[i];
            m.Span(at, WasiLayout.EventSize).Clear();
            m.Write64(at, ev.Userdata);
            m.Write16(at + WasiLayout.EventError, (ushort)ev.Error);
            m.Write8(at + WasiLayout.EventType, (byte)ev.Type);
            m.Write64(at + WasiLayout.EventNbytes, ev.Bytes);
            m.Write16(at + WasiLayout.EventFlags, (ushort)ev.Flags);
        }
        m.Write32(resultPtr, (uint)fired.Count);
        return Errno.Success;
    }

    static unsafe PollEvent FdEvent(FdWait w, short revents)
    {
        if ((revents & Posix.POLLNVAL) != 0) return new PollEvent(w.Userdata, Errno.BadF, w.Type);
        var flags = (revents & Posix.POLLHUP) != 0 ? Eventrwflags.FdReadwriteHangup : Eventrwflags.None;
        if ((revents & Posix.POLLERR) != 0 && flags == 0) return new PollEvent(w.Userdata, Errno.Io, w.Type);
        ulong bytes = 0;
        if (w.Type == EventType.FdRead)
        {
            int available = 0;
            if (Posix.ioctl(w.HostFd, Posix.FIONREAD, &available) == 0 && available > 0) bytes = (ulong)available;
        }
        return new PollEvent(w.Userdata, Errno.Success, w.Type, bytes, flags);
    }
}
