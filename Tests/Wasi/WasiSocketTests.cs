using System.Net;
using System.Net.Sockets;
using System.Text;
using Hoist.Runtime.Wasi;

namespace Hoist.Tests.Wasi;

/// <summary>sock_accept, sock_recv, sock_send, sock_shutdown and poll_oneoff on a preopened listening socket.</summary>
public sealed class WasiSocketTests : IDisposable
{
    readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
    readonly WasiProbe _probe;
    const uint ListenerFd = 3;   // no preopened directories: the socket comes first

    public WasiSocketTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
        var config = new WasiConfig { Stdout = WasiStdio.Null, Stderr = WasiStdio.Null, Stdin = WasiStdio.Null };
        config.Sockets.Add(_listener);
        _probe = new WasiProbe(config);
    }

    public void Dispose()
    {
        _probe.Dispose();
        _listener.Dispose();
    }

    (uint Iov, uint Buf) Buffer(int size)
    {
        uint buf = _probe.Alloc(size), iov = _probe.Alloc(8);
        _probe.Memory.Write(iov, buf);
        _probe.Memory.Write(iov + 4, (uint)size);
        return (iov, buf);
    }

    [Fact]
    public void AcceptReceiveSendShutdown()
    {
        uint st = _probe.Alloc(24);
        Assert.Equal(Errno.Success, _probe.Call("fd_fdstat_get", ListenerFd, st));
        Assert.Equal((byte)Filetype.SocketStream, _probe.Bytes(st, 1)[0]);
        Assert.Equal(0, BitConverter.ToUInt16(_probe.Bytes(st + 2, 2)));   // a blocking socket: no nonblock flag
        Assert.Equal(Errno.BadF, _probe.Call("fd_prestat_get", ListenerFd, st));   // a socket is no preopened directory

        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect((IPEndPoint)_listener.LocalEndPoint!);
        uint result = _probe.Alloc(4);
        Assert.Equal(Errno.Success, _probe.Call("sock_accept", ListenerFd, 0, result));
        uint conn = _probe.U32(result);
        Assert.Equal(Errno.Success, _probe.Call("fd_fdstat_get", conn, st));
        Assert.Equal((byte)Filetype.SocketStream, _probe.Bytes(st, 1)[0]);

        // Nothing to read yet: a 30 ms poll ends by its clock.
        uint subs = _probe.Alloc(96), events = _probe.Alloc(64), n = _probe.Alloc(4);
        _probe.Memory.Write(subs, 1UL);
        _probe.Memory.Write(subs + 24, 30_000_000UL);
        _probe.Memory.Write(subs + 48, 2UL);
        _probe.Memory.Write(subs + 56, (byte)EventType.FdRead);
        _probe.Memory.Write(subs + 64, conn);
        Assert.Equal(Errno.Success, _probe.Call("poll_oneoff", subs, events, 2, n));
        Assert.Equal(1u, _probe.U32(n));
        Assert.Equal(1UL, _probe.U64(events));

        client.Send("ping"u8);
        Assert.Equal(Errno.Success, _probe.Call("poll_oneoff", subs + 48, events, 1, n));
        Assert.Equal(2UL, _probe.U64(events));
        Assert.Equal(4UL, _probe.U64(events + 16));   // nbytes readable

        var (iov, buf) = Buffer(16);
        uint size = _probe.Alloc(4), flags = _probe.Alloc(4);
        Assert.Equal(Errno.Success, _probe.Call("sock_recv", conn, iov, 1, Riflags.RecvPeek, size, flags));
        Assert.Equal(4u, _probe.U32(size));
        Assert.Equal(Errno.Success, _probe.Call("sock_recv", conn, iov, 1, 0, size, flags));
        Assert.Equal("ping", Encoding.ASCII.GetString(_probe.Bytes(buf, (int)_probe.U32(size))));
        Assert.Equal(0, BitConverter.ToUInt16(_probe.Bytes(flags, 2)));

        "pong"u8.CopyTo(_probe.Memory.GetSpan(buf, 4));
        _probe.Memory.Write(iov + 4, 4u);
        Assert.Equal(Errno.Success, _probe.Call("sock_send", conn, iov, 1, 0, size));
        Assert.Equal(4u, _probe.U32(size));
        Assert.Equal(Errno.Inval, _probe.Call("sock_send", conn, iov, 1, 1, size));
        Assert.Equal(Errno.Success, _probe.Call("sock_shutdown", conn, Sdflags.Wr));
        Assert.Equal(Errno.Inval, _probe.Call("sock_shutdown", conn, 4));

        var received = new byte[16];
        int total = 0, got;
        while ((got = client.Receive(received, total, received.Length - total, SocketFlags.None)) > 0) total += got;
        Assert.Equal("pong", Encoding.ASCII.GetString(received, 0, total));   // then end of stream: the shutdown

        Assert.Equal(Errno.NotCapable, _probe.Call("sock_accept", conn, 0, result));   // a connection cannot accept
        Assert.Equal(Errno.Success, _probe.Call("fd_close", conn));
    }

    [Fact]
    public void SocketCallsOnOtherDescriptors()
    {
        uint result = _probe.Alloc(4);
        Assert.Equal(Errno.NotCapable, _probe.Call("sock_accept", 1, 0, result));   // stdout
        Assert.Equal(Errno.BadF, _probe.Call("sock_accept", 40, 0, result));
        uint size = _probe.Alloc(4), flags = _probe.Alloc(4);
        var (iov, _) = Buffer(4);
        Assert.Equal(Errno.NotSock, _probe.Call("sock_send", 1, iov, 1, 0, size));   // a stream has fd_write but is no socket
        Assert.Equal(Errno.NotCapable, _probe.Call("sock_shutdown", 1, Sdflags.Rd));
        Assert.Equal(Errno.BadF, _probe.Call("sock_recv", 1, iov, 1, 0, size, flags));
    }
}
