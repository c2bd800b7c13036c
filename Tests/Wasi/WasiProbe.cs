using System.Text;
using Hoist.Runtime;
using Hoist.Runtime.Wasi;

namespace Hoist.Tests.Wasi;

/// <summary>
/// Calls WASI functions one at a time, as a guest would, below any libc: a module that imports every
/// wasi_snapshot_preview1 function (its text generated from the runtime's own signature table) and
/// re-exports each, with a memory the test writes arguments into and reads results from.
/// </summary>
public sealed class WasiProbe : IDisposable
{
    const uint ScratchStart = 1024;
    static readonly string s_wat = BuildWat();

    readonly Store _store;
    readonly Instance _instance;
    uint _next = ScratchStart;

    public WasiProbe(WasiConfig config, Strategy? strategy = null)
    {
        Engine engine = Tiers.Engine(strategy ?? Tiers.All[0]);
        Context = new WasiContext(config);
        _store = new Store(engine);
        var linker = new Linker(engine);
        Context.AddToLinker(linker);
        _instance = linker.Instantiate(_store, Module.FromText(engine, s_wat));
        Context.Bind(_instance);
        Memory = _instance.GetMemory("memory");
    }

    public WasiContext Context { get; }
    public Memory Memory { get; }

    static string BuildWat()
    {
        var sb = new StringBuilder("(module\n");
        var signatures = Hoist.Runtime.Wasi.WasiImports.Signatures.ToArray();
        foreach (var (name, type) in signatures)
        {
            string ps = string.Join(' ', type.Params.Select(p => p.ToString()));
            string rs = string.Join(' ', type.Results.Select(r => r.ToString()));
            sb.Append($"  (import \"{WasiContext.ModuleName}\" \"{name}\" (func ${name} (param {ps}) (result {rs})))\n");
        }
        sb.Append("  (memory (export \"memory\") 4)\n");
        foreach (var (name, _) in signatures) sb.Append($"  (export \"{name}\" (func ${name}))\n");
        return sb.Append(')').ToString();
    }

    /// <summary>Calls <paramref name="name"/>; arguments are converted to the parameter types (i32 or i64). Returns the errno.</summary>
    public Errno Call(string name, params object[] args)
    {
        var f = _instance.GetFunc(name);
        var values = new Value[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            long v = args[i] switch
            {
                Enum e => Convert.ToInt64(e),
                uint u => u,
                ulong u => (long)u,
                _ => Convert.ToInt64(args[i]),
            };
            values[i] = f.Type.Params[i].Kind == Hoist.Wasm.ValKind.I64 ? Value.I64(v) : Value.I32((int)v);
        }
        var results = f.Invoke(values);
        return results.Length == 0 ? Errno.Success : (Errno)results[0].AsI32();
    }

    // ---- guest memory ----

    /// <summary>
    /// Reserves <paramref name="size"/> zeroed bytes (8-aligned) of scratch memory. The scratch area is
    /// reused from its start when it runs out, so what a test reads back must be read before many more calls.
    /// </summary>
    public uint Alloc(int size)
    {
        if (_next + (ulong)size > Memory.Length - 4096) _next = ScratchStart;
        uint p = _next;
        _next = (uint)((_next + size + 7) & ~7);
        Memory.GetSpan(p, size).Clear();
        return p;
    }

    /// <summary>Writes <paramref name="bytes"/> to fresh scratch memory; returns (pointer, length).</summary>
    public (uint Ptr, uint Len) Put(byte[] bytes)
    {
        uint p = Alloc(bytes.Length);
        bytes.CopyTo(Memory.GetSpan(p, bytes.Length));
        return (p, (uint)bytes.Length);
    }

    public (uint Ptr, uint Len) Put(string s) => Put(Encoding.UTF8.GetBytes(s));

    public uint U32(uint ptr) => Memory.Read<uint>(ptr);
    public ulong U64(uint ptr) => Memory.Read<ulong>(ptr);
    public byte[] Bytes(uint ptr, int length) => Memory.GetSpan(ptr, length).ToArray();

    // ---- common calls ----

    public const uint FirstPreopen = 3;
    public const Rights FileRights = RightsSets.RegularFileBase;
    public const Rights AllInheritable = RightsSets.DirectoryInheriting;

    /// <summary>path_open relative to <paramref name="dirFd"/>; the new fd in <paramref name="fd"/>.</summary>
    public Errno Open(string path, out uint fd, Oflags oflags = Oflags.None, Lookupflags lookup = Lookupflags.SymlinkFollow,
        Rights rights = FileRights, Rights inheriting = AllInheritable, Fdflags fdflags = Fdflags.None, uint dirFd = FirstPreopen)
    {
        var (p, n) = Put(path);
        uint result = Alloc(4);
        Errno e = Call("path_open", dirFd, lookup, p, n, oflags, rights, inheriting, fdflags, result);
        fd = e == Errno.Success ? U32(result) : uint.MaxValue;
        return e;
    }

    /// <summary>fd_read into one buffer of <paramref name="max"/> bytes; the bytes read as text.</summary>
    public Errno Read(uint fd, out string text, int max = 4096)
    {
        uint buf = Alloc(max), iov = Alloc(8), nread = Alloc(4);
        Memory.Write(iov, buf);
        Memory.Write(iov + 4, (uint)max);
        Errno e = Call("fd_read", fd, iov, 1, nread);
        text = e == Errno.Success ? Encoding.UTF8.GetString(Bytes(buf, (int)U32(nread))) : "";
        return e;
    }

    public Errno Write(uint fd, string text, out uint written)
    {
        var (p, n) = Put(text);
        uint iov = Alloc(8), result = Alloc(4);
        Memory.Write(iov, p);
        Memory.Write(iov + 4, n);
        Errno e = Call("fd_write", fd, iov, 1, result);
        written = U32(result);
        return e;
    }

    /// <summary>Opens, reads (up to 4 KiB) and closes: the file's content, or the errno of the open.</summary>
    public string ReadFile(string path, Lookupflags lookup = Lookupflags.SymlinkFollow, uint dirFd = FirstPreopen)
    {
        Errno e = Open(path, out uint fd, lookup: lookup, dirFd: dirFd);
        if (e != Errno.Success) return e.ToString();
        Assert.Equal(Errno.Success, Read(fd, out string text));
        Assert.Equal(Errno.Success, Call("fd_close", fd));
        return text;
    }

    /// <summary>A path call of the shape (fd, path, path_len) (path_create_directory, path_remove_directory, path_unlink_file).</summary>
    public Errno PathCall(string function, string path, uint dirFd = FirstPreopen)
    {
        var (p, n) = Put(path);
        return Call(function, dirFd, p, n);
    }

    /// <summary>path_filestat_get: the errno, and the file type when it succeeds.</summary>
    public Errno Stat(string path, out Filetype type, Lookupflags lookup = Lookupflags.SymlinkFollow, uint dirFd = FirstPreopen)
    {
        var (p, n) = Put(path);
        uint buf = Alloc(64);
        Errno e = Call("path_filestat_get", dirFd, lookup, p, n, buf);
        type = (Filetype)Bytes(buf + 16, 1)[0];
        return e;
    }

    public void Dispose()
    {
        _store.Dispose();
        Context.Dispose();
    }
}
