using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi.Sandbox;

/// <summary>
/// Resolves a guest path relative to a directory descriptor without ever leaving that directory: the
/// confinement every path_* function relies on.
/// </summary>
/// <remarks>
/// <para>How. The path is walked one component at a time, the way openat with O_NOFOLLOW would, holding an
/// OS descriptor for each directory entered (a stack whose bottom is the base directory):</para>
/// <list type="bullet">
/// <item>a normal component is opened relative to the top descriptor with
/// <c>openat(top, name, O_PATH | O_DIRECTORY | O_NOFOLLOW)</c>, so the kernel never resolves more than one
/// name and never follows a symlink by itself;</item>
/// <item><c>..</c> pops the stack (lexically, on descriptors we hold: a directory renamed elsewhere meanwhile
/// cannot take us out), and popping the base is an escape: ENOTCAPABLE;</item>
/// <item>a symlink (found when that open fails with ENOTDIR or ELOOP and readlinkat succeeds, or checked
/// with readlinkat for a final component that is to be followed) has its target spliced in front of the
/// remaining components: an absolute target is an escape (ENOTCAPABLE), a relative one continues from the
/// directory holding the link, so it is confined by the same rules; more than 40 links is ELOOP;</item>
/// <item>the final component is returned as (parent descriptor, name), and the caller applies its
/// operation with the *at call and its no-follow form (openat O_NOFOLLOW, statx/utimensat
/// AT_SYMLINK_NOFOLLOW, linkat without AT_SYMLINK_FOLLOW; unlinkat, renameat, mkdirat, readlinkat and
/// symlinkat never follow). A symlink swapped in after the check is then acted on itself, never followed,
/// so a race cannot escape either.</item>
/// </list>
/// <para>Also refused: an absolute path (ENOTCAPABLE), an empty one (ENOENT), a NUL byte (EINVAL),
/// invalid UTF-8 (EILSEQ; WASI paths are strings). A trailing slash requires the final component to be
/// a directory (and follows it if it is a link). Linux only (O_PATH); Linux's openat2 RESOLVE_BENEATH
/// would do the same in the kernel, but only for opens, and this walk also serves mkdir, unlink, rename,
/// link, symlink, readlink, stat and utimes.</para>
/// <para>Outside the model: another host process moving a directory the walk holds out of the preopen
/// mid-walk (the guest itself cannot: its renames are confined too), and mount points or hard links the
/// host placed inside a preopen.</para>
/// </remarks>
internal static unsafe class PathResolver
{
    /// <summary>Linux's MAXSYMLINKS: more links in one resolution is ELOOP.</summary>
    public const int MaxSymlinks = 40;

    static readonly byte[] s_dot = [(byte)'.', 0];

    /// <summary>
    /// Resolves <paramref name="path"/> against the directory <paramref name="baseFd"/>. With
    /// <paramref name="followFinal"/>, a final symlink is followed too (inside the same confinement).
    /// </summary>
    public static Errno Resolve(int baseFd, ReadOnlySpan<byte> path, bool followFinal, out ResolvedPath result)
    {
        result = default;
        if (path.Length == 0) return Errno.NoEnt;
        if (path.IndexOf((byte)0) >= 0) return Errno.Inval;
        if (!System.Text.Unicode.Utf8.IsValid(path)) return Errno.IlSeq;
        if (path[0] == (byte)'/') return Errno.NotCapable;

        // Pending components, the next one last; each with "a directory is required here" (a trailing slash).
        var pending = new List<(byte[] Name, bool DirRequired)>();
        Push(pending, path, dirRequired: path[^1] == (byte)'/');
        var held = new List<int> { baseFd };
        int links = 0;
        try
        {
            while (pending.Count > 0)
            {
                var (name, dirRequired) = pending[^1];
                pending.RemoveAt(pending.Count - 1);
                bool last = pending.Count == 0;
                int top = held[^1];

                if (IsDot(name))
                {
                    if (last) return Finish(held, s_dot, false, out result);
                    continue;
                }
                if (IsDotDot(name))
                {
                    if (held.Count == 1) return Errno.NotCapable;
                    Posix.close(held[^1]);
                    held.RemoveAt(held.Count - 1);
                    if (last) return Finish(held, s_dot, false, out result);
                    continue;
                }
                if (last)
                {
                    if (followFinal || dirRequired)
                    {
                        Errno le = TryExpandLink(top, name, last: true, dirRequired, pending, ref links, out bool wasLink);
                        if (le != Errno.Success) return le;
                        if (wasLink) continue;
                    }
                    return Finish(held, name, dirRequired, out result);
                }

                int fd;
                fixed (byte* p = name) fd = Posix.openat(top, p, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
                if (fd >= 0)
                {
                    held.Add(fd);
                    continue;
                }
                int err = Posix.LastError;
                if (err is Posix.ENOTDIR or Posix.ELOOP)
                {
                    Errno le = TryExpandLink(top, name, last: false, false, pending, ref links, out bool wasLink);
                    if (le != Errno.Success) return le;
                    if (wasLink) continue;
                }
                return HostErrno.ToWasi(err);
            }
            return Finish(held, s_dot, false, out result);   // only reached for a path of slashes, refused above
        }
        finally
        {
            // Everything but the base and the parent handed to the result is closed here.
            int keep = result.Owned ? result.DirFd : -1;
            for (int i = 1; i < held.Count; i++)
                if (held[i] != keep) Posix.close(held[i]);
        }
    }

    static Errno Finish(List<int> held, byte[] name, bool dirRequired, out ResolvedPath result)
    {
        result = new ResolvedPath(held[^1], held.Count > 1, name, dirRequired);
        return Errno.Success;
    }

    /// <summary>If <paramref name="name"/> in <paramref name="dirFd"/> is a symlink, splices its target into <paramref name="pending"/>.</summary>
    static Errno TryExpandLink(int dirFd, byte[] name, bool last, bool dirRequired, List<(byte[], bool)> pending, ref int links, out bool wasLink)
    {
        wasLink = false;
        byte* buffer = stackalloc byte[Posix.PATH_MAX];
        nint n;
        fixed (byte* p = name) n = Posix.readlinkat(dirFd, p, buffer, Posix.PATH_MAX);
        if (n < 0) return Errno.Success;   // not a link (EINVAL) or not there: the caller reports its own error
        wasLink = true;
        if (++links > MaxSymlinks) return Errno.Loop;
        var target = new ReadOnlySpan<byte>(buffer, (int)n);
        if (target.Length == 0) return Errno.NoEnt;
        if (target[0] == (byte)'/') return Errno.NotCapable;
        Push(pending, target, dirRequired: last && (dirRequired || target[^1] == (byte)'/'));
        return Errno.Success;
    }

    /// <summary>Pushes the components of <paramref name="path"/> so the first is popped next; empty ones (from "//") are dropped.</summary>
    static void Push(List<(byte[], bool)> pending, ReadOnlySpan<byte> path, bool dirRequired)
    {
        // Walking from the end and appending leaves the first component on top of the stack.
        bool lastComponent = true;
        for (int end = path.Length; end > 0;)
        {
            int start = path[..end].LastIndexOf((byte)'/') + 1;
            if (start < end)
            {
                byte[] z = new byte[end - start + 1];
                path[start..end].CopyTo(z);
                pending.Add((z, lastComponent && dirRequired));
                lastComponent = false;
            }
            end = start - 1;
        }
    }

    static bool IsDot(byte[] z) => z.Length == 2 && z[0] == (byte)'.';
    static bool IsDotDot(byte[] z) => z.Length == 3 && z[0] == (byte)'.' && z[1] == (byte)'.';
}

/// <summary>
/// The result of <see cref="PathResolver.Resolve"/>: a directory descriptor (owned, and closed by
/// <see cref="Dispose"/>, unless it is the base) and the final component as a NUL-terminated name
/// ("." for the directory itself), to be used with an *at call that does not follow symlinks.
/// </summary>
internal readonly struct ResolvedPath(int dirFd, bool owned, byte[] name, bool mustBeDirectory) : IDisposable
{
    public int DirFd { get; } = dirFd;
    public bool Owned { get; } = owned;

    /// <summary>The final component, NUL-terminated.</summary>
    public byte[] Name { get; } = name;

    /// <summary>The path ended with a slash: the final component must be a directory.</summary>
    public bool MustBeDirectory { get; } = mustBeDirectory;

    /// <summary>For a path with a trailing slash: ENOTDIR if the final component exists and is not a directory.</summary>
    public unsafe Errno CheckDirectoryRequirement()
    {
        if (!MustBeDirectory) return Errno.Success;
        Statx st;
        fixed (byte* p = Name)
            if (Posix.statx(DirFd, p, Posix.AT_SYMLINK_NOFOLLOW, Posix.STATX_BASIC_STATS, &st) == 0 && st.Filetype != Filetype.Directory)
                return Errno.NotDir;
        return Errno.Success;
    }

    public void Dispose()
    {
        if (Owned) Posix.close(DirFd);
    }
}
