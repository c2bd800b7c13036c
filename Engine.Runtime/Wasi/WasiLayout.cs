namespace Hoist.Runtime.Wasi;

/// <summary>
/// Sizes and field offsets of the wasi_snapshot_preview1 structs in guest memory (wasm32, little-endian,
/// natural alignment, as witx lays them out).
/// </summary>
internal static class WasiLayout
{
    /// <summary><c>iovec</c>/<c>ciovec</c>: buf (u32 pointer), buf_len (u32).</summary>
    public const int IovecSize = 8;

    /// <summary><c>fdstat</c>: fs_filetype u8 @0, fs_flags u16 @2, fs_rights_base u64 @8, fs_rights_inheriting u64 @16.</summary>
    public const int FdstatSize = 24, FdstatFlags = 2, FdstatRightsBase = 8, FdstatRightsInheriting = 16;

    /// <summary><c>filestat</c>: dev @0, ino @8, filetype u8 @16, nlink @24, size @32, atim @40, mtim @48, ctim @56.</summary>
    public const int FilestatSize = 64, FilestatDev = 0, FilestatIno = 8, FilestatFiletype = 16, FilestatNlink = 24,
        FilestatSizeField = 32, FilestatAtim = 40, FilestatMtim = 48, FilestatCtim = 56;

    /// <summary><c>dirent</c> header (the name follows): d_next @0, d_ino @8, d_namlen u32 @16, d_type u8 @20.</summary>
    public const int DirentSize = 24, DirentNext = 0, DirentIno = 8, DirentNamlen = 16, DirentType = 20;

    /// <summary><c>prestat</c>: tag u8 @0 (0 = dir), pr_name_len u32 @4.</summary>
    public const int PrestatSize = 8, PrestatNameLength = 4;

    /// <summary>
    /// <c>subscription</c>: userdata u64 @0, tag u8 @8, then the union at @16: clock { id u32 @16,
    /// timeout u64 @24, precision u64 @32, flags u16 @40 } or fd_readwrite { fd u32 @16 }.
    /// </summary>
    public const int SubscriptionSize = 48, SubscriptionTag = 8, SubscriptionClockId = 16, SubscriptionTimeout = 24,
        SubscriptionFlags = 40, SubscriptionFd = 16;

    /// <summary><c>event</c>: userdata u64 @0, error u16 @8, type u8 @10, fd_readwrite { nbytes u64 @16, flags u16 @24 }.</summary>
    public const int EventSize = 32, EventError = 8, EventType = 10, EventNbytes = 16, EventFlags = 24;
}
