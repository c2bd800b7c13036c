using System.Runtime.InteropServices;
using Hoist.Vm;

namespace Hoist.Runtime.Builtins;

/// <summary>
/// The memory builtins (see <see cref="BuiltinId"/> for the signatures). Bounds follow the spec: a range
/// [start, start + len) must lie inside the memory (or segment) even when len is 0, checked before any byte
/// is written; overlapping copies behave as if through a temporary buffer.
/// </summary>
internal static unsafe class MemoryBuiltins
{
    [UnmanagedCallersOnly]
    public static ulong Grow(nint vmctx, uint memory, ulong deltaPages)
    {
        try { return Instance.FromVmContext(vmctx).Memories[memory].GrowRaw(deltaPages); }
        catch (Exception e) { BuiltinFailure.Unexpected(vmctx, e); return ulong.MaxValue; }
    }

    [UnmanagedCallersOnly]
    public static uint Fill(nint vmctx, uint memory, ulong dst, uint value, ulong len)
    {
        try
        {
            Instance inst = Instance.FromVmContext(vmctx);
            Memory m = inst.Memories[memory];
            if (!InBounds(dst, len, m.Length)) return BuiltinFailure.Trap(inst, TrapCode.MemoryOutOfBounds);
            NativeMemory.Fill((void*)(m.Base + (nint)dst), (nuint)len, (byte)value);
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }

    [UnmanagedCallersOnly]
    public static uint Copy(nint vmctx, uint dstMemory, uint srcMemory, ulong dst, ulong src, ulong len)
    {
        try
        {
            Instance inst = Instance.FromVmContext(vmctx);
            Memory d = inst.Memories[dstMemory], s = inst.Memories[srcMemory];
            if (!InBounds(src, len, s.Length) || !InBounds(dst, len, d.Length)) return BuiltinFailure.Trap(inst, TrapCode.MemoryOutOfBounds);
            NativeMemory.Copy((void*)(s.Base + (nint)src), (void*)(d.Base + (nint)dst), (nuint)len);
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }

    [UnmanagedCallersOnly]
    public static uint Init(nint vmctx, uint memory, uint data, ulong dst, uint src, uint len)
    {
        try
        {
            Instance inst = Instance.FromVmContext(vmctx);
            Memory m = inst.Memories[memory];
            ReadOnlySpan<byte> bytes = inst.DataSegments[data].Span;
            if (!InBounds(src, len, (ulong)bytes.Length)) return BuiltinFailure.Trap(inst, TrapCode.DataSegmentOutOfBounds);
            if (!InBounds(dst, len, m.Length)) return BuiltinFailure.Trap(inst, TrapCode.MemoryOutOfBounds);
            bytes.Slice((int)src, (int)len).CopyTo(new Span<byte>((void*)(m.Base + (nint)dst), (int)len));
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }

    [UnmanagedCallersOnly]
    public static uint DataDrop(nint vmctx, uint data)
    {
        try
        {
            Instance.FromVmContext(vmctx).DataSegments[data] = ReadOnlyMemory<byte>.Empty;
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }

    /// <summary>Whether [start, start + len) lies inside [0, size), without overflow.</summary>
    internal static bool InBounds(ulong start, ulong len, ulong size) => len <= size && start <= size - len;
}
