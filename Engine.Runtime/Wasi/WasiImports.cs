using Hoist.Runtime.Host;
using Hoist.Runtime.Values;
using Hoist.Wasm;

namespace Hoist.Runtime.Wasi;

/// <summary>
/// The one table of wasi_snapshot_preview1's functions: name, core wasm parameter types ('i' = i32,
/// 'I' = i64; every function returns its errno as i32 except proc_exit) and the body. Every entry
/// becomes a host function over raw value slots (no boxing, any arity), which reads its arguments,
/// makes the call, and stores the errno; a <see cref="WasiErrorException"/> from deep inside (a guest
/// pointer out of bounds) becomes that errno. Any other exception, proc_exit's included, unwinds the
/// guest as a trap.
/// </summary>
internal static class WasiImports
{
    delegate Errno Body(WasiContext c, in GuestMemory m, Args a);

    /// <summary>The arguments of one call, as the unsigned values WASI's signatures use.</summary>
    internal readonly ref struct Args(Span<ValueSlot> slots)
    {
        readonly Span<ValueSlot> _slots = slots;
        public uint U32(int i) => (uint)_slots[i].Lo;
        public ulong U64(int i) => _slots[i].Lo;
    }

    static readonly (string Name, string Params, Body Body)[] s_functions =
    [
        ("args_get", "ii", (c, in m, a) => c.ArgsGet(m, a.U32(0), a.U32(1))),
        ("args_sizes_get", "ii", (c, in m, a) => c.ArgsSizesGet(m, a.U32(0), a.U32(1))),
        ("environ_get", "ii", (c, in m, a) => c.EnvironGet(m, a.U32(0), a.U32(1))),
        ("environ_sizes_get", "ii", (c, in m, a) => c.EnvironSizesGet(m, a.U32(0), a.U32(1))),
        ("clock_res_get", "ii", (c, in m, a) => c.ClockResGet(m, a.U32(0), a.U32(1))),
        ("clock_time_get", "iIi", (c, in m, a) => c.ClockTimeGet(m, a.U32(0), a.U64(1), a.U32(2))),
        ("fd_advise", "iIIi", (c, in m, a) => c.FdAdvise(a.U32(0), a.U64(1), a.U64(2), a.U32(3))),
        ("fd_allocate", "iII", (c, in m, a) => c.FdAllocate(a.U32(0), a.U64(1), a.U64(2))),
        ("fd_close", "i", (c, in m, a) => c.FdClose(a.U32(0))),
        ("fd_datasync", "i", (c, in m, a) => c.FdDatasync(a.U32(0))),
        ("fd_fdstat_get", "ii", (c, in m, a) => c.FdFdstatGet(m, a.U32(0), a.U32(1))),
        ("fd_fdstat_set_flags", "ii", (c, in m, a) => c.FdFdstatSetFlags(a.U32(0), a.U32(1))),
        ("fd_fdstat_set_rights", "iII", (c, in m, a) => c.FdFdstatSetRights(a.U32(0), a.U64(1), a.U64(2))),
        ("fd_filestat_get", "ii", (c, in m, a) => c.FdFilestatGet(m, a.U32(0), a.U32(1))),
        ("fd_filestat_set_size", "iI", (c, in m, a) => c.FdFilestatSetSize(a.U32(0), a.U64(1))),
        ("fd_filestat_set_times", "iIIi", (c, in m, a) => c.FdFilestatSetTimes(a.U32(0), a.U64(1), a.U64(2), a.U32(3))),
        ("fd_pread", "iiiIi", (c, in m, a) => c.FdPread(m, a.U32(0), a.U32(1), a.U32(2), a.U64(3), a.U32(4))),
        ("fd_prestat_get", "ii", (c, in m, a) => c.FdPrestatGet(m, a.U32(0), a.U32(1))),
        ("fd_prestat_dir_name", "iii", (c, in m, a) => c.FdPrestatDirName(m, a.U32(0), a.U32(1), a.U32(2))),
        ("fd_pwrite", "iiiIi", (c, in m, a) => c.FdPwrite(m, a.U32(0), a.U32(1), a.U32(2), a.U64(3), a.U32(4))),
        ("fd_read", "iiii", (c, in m, a) => c.FdRead(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3))),
        ("fd_readdir", "iiiIi", (c, in m, a) => c.FdReaddir(m, a.U32(0), a.U32(1), a.U32(2), a.U64(3), a.U32(4))),
        ("fd_renumber", "ii", (c, in m, a) => c.FdRenumber(a.U32(0), a.U32(1))),
        ("fd_seek", "iIii", (c, in m, a) => c.FdSeek(m, a.U32(0), a.U64(1), a.U32(2), a.U32(3))),
        ("fd_sync", "i", (c, in m, a) => c.FdSync(a.U32(0))),
        ("fd_tell", "ii", (c, in m, a) => c.FdTell(m, a.U32(0), a.U32(1))),
        ("fd_write", "iiii", (c, in m, a) => c.FdWrite(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3))),
        ("path_create_directory", "iii", (c, in m, a) => c.PathCreateDirectory(m, a.U32(0), a.U32(1), a.U32(2))),
        ("path_filestat_get", "iiiii", (c, in m, a) => c.PathFilestatGet(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4))),
        ("path_filestat_set_times", "iiiiIIi", (c, in m, a) => c.PathFilestatSetTimes(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U64(4), a.U64(5), a.U32(6))),
        ("path_link", "iiiiiii", (c, in m, a) => c.PathLink(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4), a.U32(5), a.U32(6))),
        ("path_open", "iiiiiIIii", (c, in m, a) => c.PathOpen(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4), a.U64(5), a.U64(6), a.U32(7), a.U32(8))),
        ("path_readlink", "iiiiii", (c, in m, a) => c.PathReadlink(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4), a.U32(5))),
        ("path_remove_directory", "iii", (c, in m, a) => c.PathRemoveDirectory(m, a.U32(0), a.U32(1), a.U32(2))),
        ("path_rename", "iiiiii", (c, in m, a) => c.PathRename(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4), a.U32(5))),
        ("path_symlink", "iiiii", (c, in m, a) => c.PathSymlink(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4))),
        ("path_unlink_file", "iii", (c, in m, a) => c.PathUnlinkFile(m, a.U32(0), a.U32(1), a.U32(2))),
        ("poll_oneoff", "iiii", (c, in m, a) => c.PollOneoff(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3))),
        ("proc_exit", "i", (c, in m, a) => throw new WasiExitException((int)a.U32(0))),
        ("proc_raise", "i", (c, in m, a) => WasiContext.ProcRaise(a.U32(0))),
        ("sched_yield", "", (c, in m, a) => WasiContext.SchedYield()),
        ("random_get", "ii", (c, in m, a) => c.RandomGet(m, a.U32(0), a.U32(1))),
        ("sock_accept", "iii", (c, in m, a) => c.SockAccept(m, a.U32(0), a.U32(1), a.U32(2))),
        ("sock_recv", "iiiiii", (c, in m, a) => c.SockRecv(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4), a.U32(5))),
        ("sock_send", "iiiii", (c, in m, a) => c.SockSend(m, a.U32(0), a.U32(1), a.U32(2), a.U32(3), a.U32(4))),
        ("sock_shutdown", "ii", (c, in m, a) => c.SockShutdown(a.U32(0), a.U32(1))),
    ];

    /// <summary>The names of every function, in the table's order.</summary>
    public static IEnumerable<string> Names => s_functions.Select(f => f.Name);

    /// <summary>Every function's name and core wasm type, in the table's order.</summary>
    public static IEnumerable<(string Name, FuncType Type)> Signatures => s_functions.Select(f => (f.Name, TypeOf(f.Name, f.Params)));

    static FuncType TypeOf(string name, string parameters) => new(
        parameters.Select(p => p == 'I' ? ValType.I64 : ValType.I32).ToArray(),
        name == "proc_exit" ? [] : [ValType.I32]);   // witx: proc_exit does not return

    public static void Define(Linker linker, WasiContext context)
    {
        foreach (var (name, parameters, body) in s_functions)
        {
            FuncType type = TypeOf(name, parameters);
            linker.Define(ModuleName, name, new HostFunction(linker.Engine, type, (store, slots) =>
            {
                Errno e;
                try { e = body(context, context.GuestMemory, new Args(slots)); }
                catch (WasiErrorException x) { e = x.Errno; }
                slots[0] = new ValueSlot((ulong)e);
            }));
        }
    }

    const string ModuleName = WasiContext.ModuleName;
}
