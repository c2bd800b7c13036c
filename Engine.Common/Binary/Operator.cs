using System.Runtime.InteropServices;

namespace Hoist.Wasm.Binary;

/// <summary>
/// A block type: no value, one value type, or a type index (multi-value).
/// </summary>
public readonly record struct BlockType(BlockTypeKind Kind, ValType Value = default, uint TypeIndex = 0)
{
    public static readonly BlockType Empty = new(BlockTypeKind.Empty);
    public static BlockType Of(ValType t) => new(BlockTypeKind.Value, t);
    public static BlockType OfType(uint typeIndex) => new(BlockTypeKind.TypeIndex, TypeIndex: typeIndex);
}

public enum BlockTypeKind : byte { Empty, Value, TypeIndex }

/// <summary>A memory access immediate: log2 of the alignment, the memory index, and the static offset.</summary>
public readonly record struct MemArg(uint AlignLog2, uint Memory, ulong Offset);

/// <summary>The kind of a <c>try_table</c> catch clause.</summary>
public enum CatchKind : byte { Catch = 0, CatchRef = 1, CatchAll = 2, CatchAllRef = 3 }

/// <summary>A <c>try_table</c> catch clause: the tag (for Catch/CatchRef) and the label it branches to.</summary>
public readonly record struct CatchClause(CatchKind Kind, uint Tag, uint Label);

/// <summary>A 128-bit SIMD immediate (v128.const, or the 16 lane indices of i8x16.shuffle).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct V128 : IEquatable<V128>
{
    public ulong Low, High;

    public V128(ulong low, ulong high) { Low = low; High = high; }

    public Span<byte> Bytes => MemoryMarshal.AsBytes(MemoryMarshal.CreateSpan(ref Low, 2));

    public static V128 FromBytes(ReadOnlySpan<byte> b16)
    {
        var v = default(V128);
        b16[..16].CopyTo(v.Bytes);
        return v;
    }

    public readonly bool Equals(V128 other) => Low == other.Low && High == other.High;
    public override readonly bool Equals(object? obj) => obj is V128 v && Equals(v);
    public override readonly int GetHashCode() => HashCode.Combine(Low, High);
    public static bool operator ==(V128 a, V128 b) => a.Equals(b);
    public static bool operator !=(V128 a, V128 b) => !a.Equals(b);
}

/// <summary>
/// One decoded instruction, as <see cref="OperatorReader"/> yields it. Which fields are meaningful
/// depends on <see cref="Opcode"/>'s <see cref="ImmediateKind"/>:
/// <list type="table">
/// <item><term>Label, Func, Local, Global, Table, Memory, Type, Data, Elem, Tag, Lane</term><description><see cref="Index"/></description></item>
/// <item><term>CallIndirect</term><description>Index = type, Index2 = table</description></item>
/// <item><term>DataMemory / ElemTable</term><description>Index = data/elem segment, Index2 = memory/table</description></item>
/// <item><term>MemoryMemory / TableTable / TypeType</term><description>Index = destination, Index2 = source</description></item>
/// <item><term>TypeField / TypeData / TypeElem / TypeCount</term><description>Index = type, Index2 = field / data / elem / count</description></item>
/// <item><term>MemArg, MemArgLane</term><description><see cref="MemArg"/> (and Index = lane)</description></item>
/// <item><term>I32, I64, F32, F64</term><description><see cref="Bits"/>: the raw bits (i32 zero-extended)</description></item>
/// <item><term>V128, Shuffle</term><description><see cref="V128"/></description></item>
/// <item><term>Block, TryTable</term><description><see cref="Block"/>, and <see cref="Catches"/></description></item>
/// <item><term>BrTable</term><description><see cref="Targets"/> and Index = the default label</description></item>
/// <item><term>SelectTypes</term><description><see cref="Types"/></description></item>
/// <item><term>HeapType</term><description><see cref="Heap"/> (ref.test/ref.cast: nullability from the opcode)</description></item>
/// <item><term>BrOnCast</term><description>Index = label, <see cref="Heap"/>/<see cref="Heap2"/> with <see cref="Nullable"/>/<see cref="Nullable2"/></description></item>
/// </list>
/// The spans point into the reader's reusable buffers: they are valid until the next read.
/// </summary>
public ref struct Operator
{
    public Opcode Opcode;
    /// <summary>Byte offset of the opcode in the module (or in the body when the reader has no base offset).</summary>
    public int Offset;
    public uint Index;
    public uint Index2;
    public MemArg MemArg;
    public ulong Bits;
    public V128 V128;
    public BlockType Block;
    public HeapType Heap;
    public HeapType Heap2;
    public bool Nullable;
    public bool Nullable2;
    public ReadOnlySpan<uint> Targets;
    public ReadOnlySpan<CatchClause> Catches;
    public ReadOnlySpan<ValType> Types;
}
