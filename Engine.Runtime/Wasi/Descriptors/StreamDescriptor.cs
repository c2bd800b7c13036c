using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi.Descriptors;

/// <summary>
/// A .NET <see cref="Stream"/> as a guest's stdin, stdout or stderr (for embedders and tests that
/// capture output or supply input). Read-only for stdin, write-only for the others (whatever else the
/// stream could do); a stream that fails is EIO. Seeking is ESPIPE (as on a pipe), always
/// ready for poll_oneoff. Writes are flushed at once, so the output is visible as a terminal's would be.
/// The stream is not closed with the descriptor: it belongs to whoever configured it.
/// </summary>
internal sealed unsafe class StreamDescriptor : Descriptor
{
    readonly Stream _stream;

    public StreamDescriptor(Stream stream, bool input)
    {
        _stream = stream;
        RightsBase = Rights.FdFdstatSetFlags | Rights.FdFilestatGet | Rights.PollFdReadwrite | Rights.FdSeek | Rights.FdTell
            | (input && stream.CanRead ? Rights.FdRead : 0) | (!input && stream.CanWrite ? Rights.FdWrite : 0);
    }

    public override Filetype Filetype => Filetype.Unknown;

    public override Errno Read(ReadOnlySpan<Posix.Iovec> iovs, out ulong read)
    {
        read = 0;
        try
        {
            foreach (var iov in iovs)
            {
                var span = new Span<byte>((void*)iov.Base, (int)Math.Min(iov.Length, int.MaxValue));
                int n = _stream.Read(span);
                read += (ulong)n;
                if (n < span.Length) break;   // a short read ends the call, as readv's would
            }
            return Errno.Success;
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException)
        {
            return read > 0 ? Errno.Success : Errno.Io;
        }
    }

    public override Errno Write(ReadOnlySpan<Posix.Iovec> iovs, out ulong written)
    {
        written = 0;
        try
        {
            foreach (var iov in iovs)
            {
                _stream.Write(new ReadOnlySpan<byte>((void*)iov.Base, (int)Math.Min(iov.Length, int.MaxValue)));
                written += iov.Length;
            }
            _stream.Flush();
            return Errno.Success;
        }
        catch (Exception e) when (e is IOException or NotSupportedException or ObjectDisposedException)
        {
            return written > 0 ? Errno.Success : Errno.Io;
        }
    }

    public override Errno SetFlags(Fdflags flags) => flags is Fdflags.None or Fdflags.Append ? Errno.Success : Errno.NotSup;

    public override Errno Stat(out FileStat stat)
    {
        stat = new FileStat(0, 0, Filetype.Unknown, 1, 0, 0, 0, 0);
        return Errno.Success;
    }

    public override Errno Close() => Errno.Success;
}
