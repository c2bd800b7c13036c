using System.Runtime.InteropServices;
using Hoist.Vm;

namespace Hoist.Runtime.Builtins;

/// <summary>
/// The table builtins (see <see cref="BuiltinId"/> for the signatures). Elements are raw references (see
/// <see cref="Table"/>); bounds as for memories (see <see cref="MemoryBuiltins"/>).
/// </summary>
internal static unsafe class TableBuiltins
{
    [UnmanagedCallersOnly]
    public static ulong Grow(nint vmctx, uint table, ulong init, ulong delta)
    {
        try { return Instance.FromVmContext(vmctx).Tables[table].GrowRaw(delta, init); }
        catch (Exception e) { BuiltinFailure.Unexpected(vmctx, e); return ulong.MaxValue; }
    }

    [UnmanagedCallersOnly]
    public static uint Fill(nint vmctx, uint table, ulong dst, ulong value, ulong len)
    {
        try
        {
            Instance inst = Instance.FromVmContext(vmctx);
            Table t = inst.Tables[table];
            if (!MemoryBuiltins.InBounds(dst, len, t.Size)) return BuiltinFailure.Trap(inst, TrapCode.TableOutOfBounds);
            t.Elements.Slice((int)dst, (int)len).Fill(value);
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }

    [UnmanagedCallersOnly]
    public static uint Copy(nint vmctx, uint dstTable, uint srcTable, ulong dst, ulong src, ulong len)
    {
        try
        {
            Instance inst = Instance.FromVmContext(vmctx);
            Table d = inst.Tables[dstTable], s = inst.Tables[srcTable];
            if (!MemoryBuiltins.InBounds(src, len, s.Size) || !MemoryBuiltins.InBounds(dst, len, d.Size))
                return BuiltinFailure.Trap(inst, TrapCode.TableOutOfBounds);
            s.Elements.Slice((int)src, (int)len).CopyTo(d.Elements[(int)dst..]);   // Span copies handle overlap
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }

    [UnmanagedCallersOnly]
    public static uint Init(nint vmctx, uint table, uint elem, ulong dst, uint src, uint len)
    {
        try
        {
            Instance inst = Instance.FromVmContext(vmctx);
            Table t = inst.Tables[table];
            ulong[] items = inst.ElementSegments[elem];
            if (!MemoryBuiltins.InBounds(src, len, (ulong)items.Length)) return BuiltinFailure.Trap(inst, TrapCode.ElementSegmentOutOfBounds);
            if (!MemoryBuiltins.InBounds(dst, len, t.Size)) return BuiltinFailure.Trap(inst, TrapCode.TableOutOfBounds);
            items.AsSpan((int)src, (int)len).CopyTo(t.Elements[(int)dst..]);
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }

    [UnmanagedCallersOnly]
    public static uint ElemDrop(nint vmctx, uint elem)
    {
        try
        {
            Instance.FromVmContext(vmctx).ElementSegments[elem] = [];
            return 0;
        }
        catch (Exception e) { return BuiltinFailure.Unexpected(vmctx, e); }
    }
}
