namespace Hoist.Runtime.Native;

/// <summary>
/// Executable memory for one module's compiled code. Invariants (see DESIGN.md):
/// <list type="bullet">
/// <item>never writable and executable at once: the bytes are written while the pages are RW, then the
///   pages become RX and are never re-protected while code in them may run;</item>
/// <item>every allocation is on fresh pages of its own, so publishing new code never touches a page
///   another thread may be executing;</item>
/// <item>freed (unmapped) with its module, when nothing can run it any more.</item>
/// </list>
/// </summary>
public sealed unsafe class CodeMemory : IDisposable
{
    nint _base;
    readonly nuint _mapped;

    /// <summary>Writes the code into the still-writable pages, knowing the address they will run at.</summary>
    public delegate void Writer(Span<byte> code, nint address);

    /// <summary>Copies <paramref name="code"/> into fresh pages and makes them read+execute.</summary>
    public CodeMemory(ReadOnlySpan<byte> code)
    {
        _mapped = Libc.RoundUpToPage((nuint)Math.Max(code.Length, 1));
        _base = Libc.MapAnonymous(_mapped, Libc.PROT_READ | Libc.PROT_WRITE);
        code.CopyTo(new Span<byte>((void*)_base, code.Length));
        Libc.Protect(_base, _mapped, Libc.PROT_READ | Libc.PROT_EXEC);
        Length = code.Length;
    }

    /// <summary>
    /// Maps <paramref name="length"/> bytes of fresh pages, lets <paramref name="write"/> fill them (e.g. applying
    /// absolute relocations, which need the final address), then makes them read+execute.
    /// </summary>
    public CodeMemory(int length, Writer write)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        _mapped = Libc.RoundUpToPage((nuint)Math.Max(length, 1));
        _base = Libc.MapAnonymous(_mapped, Libc.PROT_READ | Libc.PROT_WRITE);
        try
        {
            write(new Span<byte>((void*)_base, length), _base);
            Libc.Protect(_base, _mapped, Libc.PROT_READ | Libc.PROT_EXEC);
        }
        catch
        {
            Libc.munmap(_base, _mapped);
            _base = 0;
            throw;
        }
        Length = length;
    }

    /// <summary>The address of the first code byte.</summary>
    public nint Base => _base != 0 ? _base : throw new ObjectDisposedException(nameof(CodeMemory));

    public int Length { get; }

    /// <summary>True if <paramref name="pc"/> lies in this code.</summary>
    public bool Contains(nint pc) => _base != 0 && pc >= _base && pc < _base + Length;

    public void Dispose()
    {
        if (_base == 0) return;
        Libc.munmap(_base, _mapped);
        _base = 0;
    }
}
