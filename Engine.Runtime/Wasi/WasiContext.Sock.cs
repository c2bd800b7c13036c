using Hoist.Runtime.Wasi.Descriptors;
using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi;

// sock_accept, sock_recv, sock_send, sock_shutdown: on sockets the host preopened (WasiConfig.Sockets,
// `hoist run --tcplisten`) and the connections accepted from them. Preview 1 has no way to create,
// bind or connect a socket: those calls do not exist.
public sealed partial class WasiContext
{
    internal Errno SockAccept(in GuestMemory m, uint fd, uint flags, uint resultPtr)
    {
        Errno e = Lookup(fd, Rights.SockAccept, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(resultPtr, 4);
        e = d.Accept((Fdflags)flags, out Descriptor? accepted);
        if (e != Errno.Success) return e;
        e = _fds.Insert(accepted!, out uint newFd);
        if (e != Errno.Success)
        {
            accepted!.Close();
            return e;
        }
        m.Write32(resultPtr, newFd);
        return Errno.Success;
    }

    internal Errno SockRecv(in GuestMemory m, uint fd, uint iovs, uint count, uint flags, uint sizePtr, uint flagsPtr)
    {
        Errno e = LookupIo(fd, Rights.FdRead, 0, out Descriptor d);
        if (e != Errno.Success) return e;
        m.Check(sizePtr, 4);
        m.Check(flagsPtr, 2);
        var buffer = new IovecBuffer();
        e = d.Receive(Iovecs(m, iovs, count, ref buffer), (Riflags)flags, out ulong n, out Roflags outFlags);
        if (e != Errno.Success) return e;
        m.Write32(sizePtr, (uint)n);
        m.Write16(flagsPtr, (ushort)outFlags);
        return Errno.Success;
    }

    /// <summary>si_flags has no flags defined in preview 1; any is EINVAL.</summary>
    internal Errno SockSend(in GuestMemory m, uint fd, uint iovs, uint count, uint flags, uint sizePtr)
    {
        Errno e = LookupIo(fd, Rights.FdWrite, 0, out Descriptor d);
        if (e != Errno.Success) return e;
        if (flags != 0) return Errno.Inval;
        m.Check(sizePtr, 4);
        var buffer = new IovecBuffer();
        e = d.Send(Iovecs(m, iovs, count, ref buffer), out ulong n);
        if (e == Errno.Success) m.Write32(sizePtr, (uint)n);
        return e;
    }

    internal Errno SockShutdown(uint fd, uint how)
    {
        Errno e = Lookup(fd, Rights.SockShutdown, out Descriptor d);
        if (e != Errno.Success) return e;
        return how > (uint)(Sdflags.Rd | Sdflags.Wr) ? Errno.Inval : d.Shutdown((Sdflags)how);
    }
}
