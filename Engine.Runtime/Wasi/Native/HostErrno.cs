namespace Hoist.Runtime.Wasi.Native;

/// <summary>
/// Linux's errno values under the names of <see cref="Errno"/>: the translation from the host's errno
/// to WASI's is by name (<see cref="ToWasi"/>), so neither list is written twice. A host errno with no
/// WASI name (there are a few, e.g. ENOTBLK) becomes <see cref="Errno.Io"/>.
/// </summary>
internal static class HostErrno
{
    enum Linux
    {
        Perm = 1, NoEnt = 2, Srch = 3, Intr = 4, Io = 5, NxIo = 6, TooBig = 7, NoExec = 8, BadF = 9, Child = 10,
        Again = 11, NoMem = 12, Acces = 13, Fault = 14, Busy = 16, Exist = 17, XDev = 18, NoDev = 19, NotDir = 20,
        IsDir = 21, Inval = 22, NFile = 23, MFile = 24, NotTy = 25, TxtBsy = 26, FBig = 27, NoSpc = 28, SPipe = 29,
        RoFs = 30, MLink = 31, Pipe = 32, Dom = 33, Range = 34, DeadLk = 35, NameTooLong = 36, NoLck = 37,
        NoSys = 38, NotEmpty = 39, Loop = 40, NoMsg = 42, IdRm = 43, NoLink = 67, Proto = 71, Multihop = 72,
        BadMsg = 74, Overflow = 75, IlSeq = 84, NotSock = 88, DestAddrReq = 89, MsgSize = 90, ProtoType = 91,
        NoProtoOpt = 92, ProtoNoSupport = 93, NotSup = 95, AfNoSupport = 97, AddrInUse = 98, AddrNotAvail = 99,
        NetDown = 100, NetUnreach = 101, NetReset = 102, ConnAborted = 103, ConnReset = 104, NoBufs = 105,
        IsConn = 106, NotConn = 107, TimedOut = 110, ConnRefused = 111, HostUnreach = 113, Already = 114,
        InProgress = 115, Stale = 116, DQuot = 122, Canceled = 125, OwnerDead = 130, NotRecoverable = 131,
    }

    static readonly Errno[] s_table = Build();

    static Errno[] Build()
    {
        var table = new Errno[256];
        Array.Fill(table, Errno.Io);
        foreach (Linux e in Enum.GetValues<Linux>()) table[(int)e] = Enum.Parse<Errno>(e.ToString());
        return table;
    }

    /// <summary>The WASI errno for a host errno.</summary>
    public static Errno ToWasi(int hostErrno) => (uint)hostErrno < (uint)s_table.Length ? s_table[hostErrno] : Errno.Io;

    /// <summary>The WASI errno of the last failed libc call.</summary>
    public static Errno Last => ToWasi(Posix.LastError);
}
