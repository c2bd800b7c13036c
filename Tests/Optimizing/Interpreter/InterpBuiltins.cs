using Hoist.Vm;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>
/// The runtime's builtins (<see cref="BuiltinId"/>, with the documented C signatures) for the interpreter:
/// arguments as the IR passes them (the caller's VMContext first, u32 arguments as sign-extended i32
/// bits), results as the IR expects (a TrapCode, 0 for none, or a size / -1).
/// </summary>
static class InterpBuiltins
{
    /// <summary>Whether [start, start + length) lies within [0, size), without overflow.</summary>
    public static bool InBounds(ulong start, ulong length, ulong size) => length <= size && start <= size - length;

    public static long Call(InterpStore store, BuiltinId id, long[] a)
    {
        var inst = store.InstancesByVmctx[a[0]];
        var mem = store.Memory;
        switch (id)
        {
            case BuiltinId.MemoryGrow:
            {
                var m = inst.Memories[(uint)a[1]];
                var limits = m.Type.Limits;
                ulong pageSize = 1UL << limits.PageSizeLog2;
                ulong oldPages = (ulong)m.Segment.Size / pageSize, delta = (ulong)a[2];
                ulong max = limits.Max ?? (limits.Is64 ? ulong.MaxValue / pageSize : (1UL << 32) / pageSize);
                if (delta > max - oldPages || (oldPages + delta) * pageSize > InterpInstance.MaxMemoryBytes) return -1;
                long newSize = (long)((oldPages + delta) * pageSize);
                if (newSize > m.Segment.Data.Length)
                {
                    var data = m.Segment.Data;
                    Array.Resize(ref data, (int)newSize);
                    m.Segment.Data = data;
                }
                m.Segment.Size = newSize;
                mem.WriteI64(m.Record + VmOffsets.MemoryLength, newSize);
                return (long)oldPages;
            }
            case BuiltinId.MemoryFill:
            {
                var m = inst.Memories[(uint)a[1]];
                ulong dst = (ulong)a[2], len = (ulong)a[4];
                if (!InBounds(dst, len, (ulong)m.Segment.Size)) return (long)TrapCode.MemoryOutOfBounds;
                m.Segment.Data.AsSpan((int)dst, (int)len).Fill((byte)a[3]);
                return 0;
            }
            case BuiltinId.MemoryCopy:
            {
                var d = inst.Memories[(uint)a[1]];
                var s = inst.Memories[(uint)a[2]];
                ulong dst = (ulong)a[3], src = (ulong)a[4], len = (ulong)a[5];
                if (!InBounds(dst, len, (ulong)d.Segment.Size) || !InBounds(src, len, (ulong)s.Segment.Size)) return (long)TrapCode.MemoryOutOfBounds;
                s.Segment.Data.AsSpan((int)src, (int)len).CopyTo(d.Segment.Data.AsSpan((int)dst, (int)len));
                return 0;
            }
            case BuiltinId.MemoryInit:
            {
                var m = inst.Memories[(uint)a[1]];
                var data = inst.Data[(uint)a[2]];
                ulong dst = (ulong)a[3], src = (uint)a[4], len = (uint)a[5];
                if (!InBounds(src, len, (ulong)data.Length) || !InBounds(dst, len, (ulong)m.Segment.Size)) return (long)TrapCode.MemoryOutOfBounds;
                data.AsSpan((int)src, (int)len).CopyTo(m.Segment.Data.AsSpan((int)dst));
                return 0;
            }
            case BuiltinId.DataDrop:
                inst.Data[(uint)a[1]] = [];
                return 0;
            case BuiltinId.TableGrow:
            {
                var t = inst.Tables[(uint)a[1]];
                ulong old = inst.TableLength(t), delta = (ulong)a[3];
                ulong max = Math.Min(t.Type.Limits.Max ?? uint.MaxValue, 10_000_000);
                if (delta > max - Math.Min(old, max)) return -1;
                var grown = mem.Allocate((long)(old + delta) * 8);
                for (ulong k = 0; k < old + delta; k++)
                    mem.WriteI64(grown.Base + (long)k * 8, k < old ? mem.ReadI64(inst.TableBase(t) + (long)k * 8) : a[2]);
                t.Segment = grown;
                mem.WriteI64(t.Record + VmOffsets.TableBase, grown.Base);
                mem.WriteI64(t.Record + VmOffsets.TableLength, (long)(old + delta));
                return (long)old;
            }
            case BuiltinId.TableFill:
            {
                var t = inst.Tables[(uint)a[1]];
                ulong dst = (ulong)a[2], len = (ulong)a[4];
                if (!InBounds(dst, len, inst.TableLength(t))) return (long)TrapCode.TableOutOfBounds;
                for (ulong k = 0; k < len; k++) mem.WriteI64(inst.TableBase(t) + (long)(dst + k) * 8, a[3]);
                return 0;
            }
            case BuiltinId.TableCopy:
            {
                var d = inst.Tables[(uint)a[1]];
                var s = inst.Tables[(uint)a[2]];
                ulong dst = (ulong)a[3], src = (ulong)a[4], len = (ulong)a[5];
                if (!InBounds(dst, len, inst.TableLength(d)) || !InBounds(src, len, inst.TableLength(s))) return (long)TrapCode.TableOutOfBounds;
                var items = new long[len];
                for (ulong k = 0; k < len; k++) items[k] = mem.ReadI64(inst.TableBase(s) + (long)(src + k) * 8);
                for (ulong k = 0; k < len; k++) mem.WriteI64(inst.TableBase(d) + (long)(dst + k) * 8, items[k]);
                return 0;
            }
            case BuiltinId.TableInit:
            {
                var t = inst.Tables[(uint)a[1]];
                var items = inst.Elems[(uint)a[2]];
                ulong dst = (ulong)a[3], src = (uint)a[4], len = (uint)a[5];
                if (!InBounds(src, len, (ulong)items.Length) || !InBounds(dst, len, inst.TableLength(t))) return (long)TrapCode.TableOutOfBounds;
                for (ulong k = 0; k < len; k++) mem.WriteI64(inst.TableBase(t) + (long)(dst + k) * 8, items[src + k]);
                return 0;
            }
            case BuiltinId.ElemDrop:
                inst.Elems[(uint)a[1]] = [];
                return 0;
            case BuiltinId.IsSubtype:
            {
                int actual = (int)mem.Read(a[2] + VmFuncRef.TypeId, 4);
                return store.Registry.IsSubtype(actual, (int)(uint)a[1]) ? 1 : 0;
            }
            case BuiltinId.OutOfFuelOrEpoch:
                return 0;
            default:
                throw new InvalidOperationException($"no builtin {id}");
        }
    }
}
