using System.Runtime.CompilerServices;
using Hoist.Runtime.Wasi.Native;

namespace Hoist.Runtime.Wasi;

/// <summary>
/// A bounds-checked view of the guest's linear memory for the duration of one WASI call (the memory
/// cannot grow during the call: WASI functions never call back into wasm). Every access checks
/// [ptr, ptr + len) against the current length; one outside it throws <see cref="WasiErrorException"/>
/// with <see cref="Errno.Fault"/>, which the call returns. Values are little-endian and may be unaligned.
/// </summary>
internal readonly unsafe struct GuestMemory
{
    readonly byte* _base;
    readonly ulong _length;
    readonly bool _missing;

    /// <summary>A view of <paramref name="memory"/>; with null (nothing bound), any access traps naming the cause.</summary>
    public GuestMemory(Memory? memory)
    {
        if (memory is null)
        {
            _missing = true;
            return;
        }
        _base = (byte*)memory.Base;
        _length = memory.Length;
    }

    /// <summary>The address of guest bytes [ptr, ptr + length).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public byte* At(uint ptr, ulong length)
    {
        if (ptr + length > _length) Fault(_missing);
        return _base + ptr;
    }

    public Span<byte> Span(uint ptr, uint length)
    {
        if (length > int.MaxValue) Fault(_missing);
        return new Span<byte>(At(ptr, length), (int)length);
    }

    public byte U8(uint ptr) => *At(ptr, 1);
    public ushort U16(uint ptr) => Unsafe.ReadUnaligned<ushort>(At(ptr, 2));
    public uint U32(uint ptr) => Unsafe.ReadUnaligned<uint>(At(ptr, 4));
    public ulong U64(uint ptr) => Unsafe.ReadUnaligned<ulong>(At(ptr, 8));

    public void Write8(uint ptr, byte v) => *At(ptr, 1) = v;
    public void Write16(uint ptr, ushort v) => Unsafe.WriteUnaligned(At(ptr, 2), v);
    public void Write32(uint ptr, uint v) => Unsafe.WriteUnaligned(At(ptr, 4), v);
    public void Write64(uint ptr, ulong v) => Unsafe.WriteUnaligned(At(ptr, 8), v);

    /// <summary>Checks that [ptr, ptr + length) is inside the memory (before a call with side effects).</summary>
    public void Check(uint ptr, ulong length) => At(ptr, length);

    /// <summary>
    /// The (c)iovec array at <paramref name="iovs"/> as native iovecs pointing into guest memory, each
    /// buffer bounds-checked; the total length is capped at what one call may transfer (2^32 - 1 bytes).
    /// </summary>
    public void ReadIovecs(uint iovs, uint count, Span<Posix.Iovec> native)
    {
        byte* p = At(iovs, (ulong)count * WasiLayout.IovecSize);
        for (int i = 0; i < native.Length; i++)
        {
            uint buf = Unsafe.ReadUnaligned<uint>(p + i * 8), len = Unsafe.ReadUnaligned<uint>(p + i * 8 + 4);
            native[i] = new Posix.Iovec { Base = (nint)At(buf, len), Length = len };
        }
    }

    /// <summary>The guest string [ptr, ptr + length) as bytes (a path or a symlink target).</summary>
    public ReadOnlySpan<byte> Bytes(uint ptr, uint length) => Span(ptr, length);

    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Fault(bool missing) => throw (missing
        ? new InvalidOperationException("WASI: no memory is bound (the module exports no \"memory\", or a WASI function was called before instantiation finished)")
        : new WasiErrorException(Errno.Fault));
}
