using System.Runtime.InteropServices;

namespace Hoist.Optimizing.Ir;

/// <summary>
/// One instruction, as a plain struct in the function's dense instruction table. What <see cref="Code"/>,
/// <see cref="Ref"/> and <see cref="Imm"/> mean depends on the opcode's <see cref="InstFormat"/>.
/// Operands live in the function's value pool at [<see cref="ArgStart"/>, +<see cref="ArgCount"/>);
/// a branch's targets live in its block-call pool at [<see cref="Ref"/>, +target count), each with its
/// own argument list. Results are the consecutive values [<see cref="FirstResult"/>, +<see cref="ResultCount"/>).
/// <see cref="Block"/>, <see cref="Prev"/> and <see cref="Next"/> place it in the layout (-1 when not inserted).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct InstData
{
    public Op Op;
    /// <summary>The controlling type (<see cref="IrType.Invalid"/> for opcodes without one).</summary>
    public IrType Type;
    /// <summary>IntCC, FloatCC, TrapCode or MemFlags, by format.</summary>
    public byte Code;
    public ushort ArgCount;
    public ushort ResultCount;
    public int ArgStart;
    public int FirstResult;
    /// <summary>AliasRegion bits (loads, stores), FuncRef (call), SigRef (call_indirect), first block call (branches).</summary>
    public int Ref;
    /// <summary>The constant, the memory offset, the bounds-check end, or the br_table target count.</summary>
    public long Imm;
    /// <summary>Offset of the wasm operator it came from in the module, or -1.</summary>
    public int SourceOffset;
    public int Block;
    public int Prev;
    public int Next;
}

/// <summary>What defines a value.</summary>
public enum ValueKind : byte
{
    /// <summary>Allocated but not defined (a number the text parser skipped, or a detached value).</summary>
    Free,
    /// <summary>Result <see cref="ValueData.Num"/> of instruction <see cref="ValueData.Owner"/>.</summary>
    Result,
    /// <summary>Parameter <see cref="ValueData.Num"/> of block <see cref="ValueData.Owner"/>.</summary>
    Param,
    /// <summary>Another name of value <see cref="ValueData.Owner"/>: uses resolve to it.</summary>
    Alias,
}

public struct ValueData
{
    public IrType Type;
    public ValueKind Kind;
    public int Owner;
    public int Num;
}

/// <summary>A block's parameters (in the value pool) and its place in the layout.</summary>
public struct BlockData
{
    public int ParamStart;
    public int ParamCount;
    public int FirstInst;
    public int LastInst;
    public int Prev;
    public int Next;
    public bool InLayout;
}

/// <summary>A branch target: the block and the arguments passed to its parameters (in the value pool).</summary>
public struct BlockCallData
{
    public int Block;
    public int ArgStart;
    public int ArgCount;
}
