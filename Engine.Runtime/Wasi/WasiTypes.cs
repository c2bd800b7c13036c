namespace Hoist.Runtime.Wasi;

// The enumerations and flag sets of wasi_snapshot_preview1 (witx), with their exact values. The struct
// layouts the functions read and write are in WasiLayout.cs.

/// <summary><c>filetype</c> (u8).</summary>
public enum Filetype : byte
{
    Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4, SocketDgram = 5,
    SocketStream = 6, SymbolicLink = 7,
}

/// <summary><c>rights</c> (u64): what a descriptor may be used for.</summary>
[Flags]
public enum Rights : ulong
{
    None = 0,
    FdDatasync = 1UL << 0, FdRead = 1UL << 1, FdSeek = 1UL << 2, FdFdstatSetFlags = 1UL << 3, FdSync = 1UL << 4,
    FdTell = 1UL << 5, FdWrite = 1UL << 6, FdAdvise = 1UL << 7, FdAllocate = 1UL << 8,
    PathCreateDirectory = 1UL << 9, PathCreateFile = 1UL << 10, PathLinkSource = 1UL << 11,
    PathLinkTarget = 1UL << 12, PathOpen = 1UL << 13, FdReaddir = 1UL << 14, PathReadlink = 1UL << 15,
    PathRenameSource = 1UL << 16, PathRenameTarget = 1UL << 17, PathFilestatGet = 1UL << 18,
    PathFilestatSetSize = 1UL << 19, PathFilestatSetTimes = 1UL << 20, FdFilestatGet = 1UL << 21,
    FdFilestatSetSize = 1UL << 22, FdFilestatSetTimes = 1UL << 23, PathSymlink = 1UL << 24,
    PathRemoveDirectory = 1UL << 25, PathUnlinkFile = 1UL << 26, PollFdReadwrite = 1UL << 27,
    SockShutdown = 1UL << 28, SockAccept = 1UL << 29,
}

/// <summary><c>fdflags</c> (u16).</summary>
[Flags]
public enum Fdflags : ushort { None = 0, Append = 1, Dsync = 2, Nonblock = 4, Rsync = 8, Sync = 16 }

/// <summary><c>oflags</c> (u16): how path_open opens or creates.</summary>
[Flags]
public enum Oflags : ushort { None = 0, Creat = 1, Directory = 2, Excl = 4, Trunc = 8 }

/// <summary><c>lookupflags</c> (u32).</summary>
[Flags]
public enum Lookupflags : uint { None = 0, SymlinkFollow = 1 }

/// <summary><c>fstflags</c> (u16): which timestamps to set.</summary>
[Flags]
public enum Fstflags : ushort { None = 0, Atim = 1, AtimNow = 2, Mtim = 4, MtimNow = 8 }

/// <summary><c>whence</c> (u8): the same values as POSIX's SEEK_SET/CUR/END.</summary>
public enum Whence : byte { Set = 0, Cur = 1, End = 2 }

/// <summary><c>clockid</c> (u32).</summary>
public enum ClockId : uint { Realtime = 0, Monotonic = 1, ProcessCputimeId = 2, ThreadCputimeId = 3 }

/// <summary><c>advice</c> (u8). Note: sequential and random are in the other order than POSIX_FADV_*.</summary>
public enum Advice : byte { Normal = 0, Sequential = 1, Random = 2, WillNeed = 3, DontNeed = 4, NoReuse = 5 }

/// <summary><c>eventtype</c> (u8).</summary>
public enum EventType : byte { Clock = 0, FdRead = 1, FdWrite = 2 }

/// <summary><c>subclockflags</c> (u16).</summary>
[Flags]
public enum Subclockflags : ushort { None = 0, SubscriptionClockAbstime = 1 }

/// <summary><c>eventrwflags</c> (u16).</summary>
[Flags]
public enum Eventrwflags : ushort { None = 0, FdReadwriteHangup = 1 }

/// <summary><c>riflags</c> (u16), <c>roflags</c> (u16) and <c>sdflags</c> (u8) of the socket calls.</summary>
[Flags]
public enum Riflags : ushort { None = 0, RecvPeek = 1, RecvWaitall = 2 }

[Flags]
public enum Roflags : ushort { None = 0, RecvDataTruncated = 1 }

[Flags]
public enum Sdflags : byte { None = 0, Rd = 1, Wr = 2 }

/// <summary>The rights sets a descriptor of each kind can hold (as wasi-common and uvwasi define them).</summary>
public static class RightsSets
{
    public const Rights All = (Rights)((1UL << 30) - 1);

    public const Rights RegularFileBase = Rights.FdDatasync | Rights.FdRead | Rights.FdSeek | Rights.FdFdstatSetFlags
        | Rights.FdSync | Rights.FdTell | Rights.FdWrite | Rights.FdAdvise | Rights.FdAllocate | Rights.FdFilestatGet
        | Rights.FdFilestatSetSize | Rights.FdFilestatSetTimes | Rights.PollFdReadwrite;

    public const Rights DirectoryBase = Rights.FdFdstatSetFlags | Rights.FdSync | Rights.FdAdvise
        | Rights.PathCreateDirectory | Rights.PathCreateFile | Rights.PathLinkSource | Rights.PathLinkTarget
        | Rights.PathOpen | Rights.FdReaddir | Rights.PathReadlink | Rights.PathRenameSource
        | Rights.PathRenameTarget | Rights.PathFilestatGet | Rights.PathFilestatSetSize
        | Rights.PathFilestatSetTimes | Rights.FdFilestatGet | Rights.FdFilestatSetTimes | Rights.PathSymlink
        | Rights.PathRemoveDirectory | Rights.PathUnlinkFile | Rights.PollFdReadwrite;

    public const Rights DirectoryInheriting = DirectoryBase | RegularFileBase;

    /// <summary>A terminal: no seek or tell, which is how wasi-libc's isatty recognises one.</summary>
    public const Rights TtyBase = Rights.FdRead | Rights.FdFdstatSetFlags | Rights.FdWrite | Rights.FdFilestatGet
        | Rights.PollFdReadwrite;

    /// <summary>Pipes, character devices, sockets and streams: a file's rights (seeking fails with ESPIPE).</summary>
    public const Rights StreamBase = RegularFileBase;

    public const Rights SocketBase = Rights.FdRead | Rights.FdFdstatSetFlags | Rights.FdWrite | Rights.FdFilestatGet
        | Rights.PollFdReadwrite | Rights.SockShutdown | Rights.SockAccept;

    /// <summary>The most a descriptor of type <paramref name="t"/> can hold.</summary>
    public static Rights MaxFor(Filetype t) => t switch
    {
        Filetype.Directory => DirectoryBase,
        Filetype.RegularFile => RegularFileBase,
        Filetype.SocketStream or Filetype.SocketDgram => SocketBase,
        _ => StreamBase,
    };
}
