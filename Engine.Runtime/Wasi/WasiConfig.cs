using System.Net.Sockets;

namespace Hoist.Runtime.Wasi;

/// <summary>
/// What a WASI program sees: its arguments (argv[0] included), environment, stdio, and the host
/// directories and sockets it may use, each preopened at a guest path. Nothing else of the host is
/// reachable. Read when a <see cref="WasiContext"/> is made from it.
/// </summary>
public sealed class WasiConfig
{
    /// <summary>argv, starting with argv[0] (by convention the program's name).</summary>
    public List<string> Arguments { get; } = [];

    /// <summary>The environment, in order (a name given twice appears twice, as a C environ can).</summary>
    public List<KeyValuePair<string, string>> Environment { get; } = [];

    /// <summary>Host directories the guest may use, from fd 3 on, in order.</summary>
    public List<WasiPreopen> Preopens { get; } = [];

    /// <summary>
    /// Listening or connected sockets, numbered after the directories (the guest uses sock_accept, recv,
    /// send and shutdown on them). The context duplicates each when it is made: the guest shares the
    /// socket (and its blocking mode) but closing either side's descriptor leaves the other's open.
    /// </summary>
    public List<Socket> Sockets { get; } = [];

    public WasiStdio Stdin { get; set; } = WasiStdio.Inherit;
    public WasiStdio Stdout { get; set; } = WasiStdio.Inherit;
    public WasiStdio Stderr { get; set; } = WasiStdio.Inherit;

    public WasiConfig WithArguments(params string[] argv)
    {
        Arguments.AddRange(argv);
        return this;
    }

    public WasiConfig WithEnvironment(string name, string value)
    {
        Environment.Add(new(name, value));
        return this;
    }

    /// <summary>Makes the host directory <paramref name="hostPath"/> visible to the guest as <paramref name="guestPath"/>.</summary>
    public WasiConfig PreopenDirectory(string hostPath, string guestPath)
    {
        Preopens.Add(new WasiPreopen(hostPath, guestPath));
        return this;
    }
}

/// <summary>A preopened directory: the host path and the path the guest knows it by.</summary>
public sealed record WasiPreopen(string HostPath, string GuestPath);

/// <summary>Where one of the guest's stdio descriptors goes: the host process's own (inherited), nowhere, or a .NET stream.</summary>
public sealed class WasiStdio
{
    WasiStdio(Stream? stream, bool inherit)
    {
        Stream = stream;
        IsInherited = inherit;
    }

    /// <summary>The host process's descriptor of the same number (0, 1 or 2).</summary>
    public static WasiStdio Inherit { get; } = new(null, true);

    /// <summary>Reads see end of file; writes are discarded.</summary>
    public static WasiStdio Null { get; } = new(System.IO.Stream.Null, false);

    /// <summary>A stream (reads for stdin, writes for stdout/stderr); not closed by the context.</summary>
    public static WasiStdio FromStream(Stream stream) => new(stream ?? throw new ArgumentNullException(nameof(stream)), false);

    internal Stream? Stream { get; }
    internal bool IsInherited { get; }
}
