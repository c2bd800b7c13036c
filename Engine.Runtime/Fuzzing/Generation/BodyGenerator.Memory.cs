using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Loads, stores, bulk memory and table operations. Addresses and indices are mostly inside the memory or table
/// (or just past its end, to trap), sometimes masked or arbitrary expressions; static offsets are mostly zero,
/// sometimes large enough to go out of bounds on their own.
/// </summary>
public sealed partial class BodyGenerator
{
    ValType AddressType(int memory) => _m.Memories[memory].Type.Limits.AddressType;

    ulong MemoryBytes(int memory) => _m.Memories[memory].Type.Limits.Min * 65536;

    /// <summary>An address for an access of <paramref name="size"/> bytes to <paramref name="memory"/>.</summary>
    GNode Address(int memory, int size, int depth)
    {
        ValType at = AddressType(memory);
        ulong length = MemoryBytes(memory);
        int k = _r.Next(100);
        if (k < 55)
        {
            ulong a = Risky(15)
                ? _r.Next(4) switch
                {
                    0 => length - (ulong)size + 1,        // one byte past the end (wraps when memory is empty)
                    1 => length,
                    2 => length + 65536,
                    _ => at == ValType.I32 ? 0xFFFF_FFFF : ulong.MaxValue,
                }
                : _r.Next(4) switch
                {
                    0 => (ulong)_r.Next(64),
                    1 => length - (ulong)size,            // the last in-bounds address
                    2 => (ulong)_r.Next(0x1000),
                    _ => length > (ulong)size ? (ulong)_r.NextInt64((long)(length - (ulong)size)) : 0,
                };
            return new GConst(at, at == ValType.I32 ? (uint)a : a);
        }
        if (k < 88 || !Risky(100))
        {
            ulong mask = _r.Next(3) switch { 0 => 0xFF, 1 => 0xFFF, _ => 0x7FF8 };
            Opcode and = at == ValType.I32 ? Opcode.I32And : Opcode.I64And;
            return new GOp(and, [Expr(at, depth), new GConst(at, mask)], [at]);
        }
        return Expr(at, depth);
    }

    ulong StaticOffset(int memory)
    {
        bool is64 = AddressType(memory) == ValType.I64;
        if (Risky(5)) return _r.Next(2) == 0 ? MemoryBytes(memory) : is64 ? 1UL << _r.Next(32, 63) : 0xFFFF_FFFF;
        return _r.Next(4) == 0 ? (ulong)_r.Next(1, 64) : 0;
    }

    GImm MemArg(Opcode op, int memory) => new()
    {
        Index = memory,
        AlignLog2 = _r.Next(op.NaturalAlignmentLog2() + 1),
        Offset = StaticOffset(memory),
    };

    GNode? Load(ValType t, int depth)
    {
        var loads = OperatorCatalog.Loads(t.Kind);
        if (loads.Length == 0) return null;
        Opcode op = loads[_r.Next(loads.Length)];
        int memory = _r.Next(_m.Memories.Count);
        return new GOp(op, [Address(memory, 1 << op.NaturalAlignmentLog2(), depth)], [t], MemArg(op, memory));
    }

    GNode Store(int depth)
    {
        var stores = OperatorCatalog.Stores;
        Opcode op = stores[_r.Next(stores.Length)];
        int memory = _r.Next(_m.Memories.Count);
        ValType value = OperatorCatalog.ToValType(op.Params()[1], ValType.I32);
        return new GOp(op, [Address(memory, 1 << op.NaturalAlignmentLog2(), depth), Expr(value, depth)], [], MemArg(op, memory));
    }

    /// <summary>The most a bulk memory operation's <see cref="Length"/> is, unless risky; addresses leave room for it.</summary>
    const int BulkSize = 80;

    /// <summary>A length for a bulk memory operation: mostly small, sometimes a page or more.</summary>
    GNode Length(ValType type, int depth) =>
        !Risky(15) ? new GConst(type, (ulong)_r.Next(BulkSize))
        : _r.Next(3) == 0 ? Expr(type, depth) : new GConst(type, (ulong)_r.Next(60000, 70000));

    /// <summary>A memory.grow or table.grow delta: mostly 0-2, sometimes more than any maximum allows.</summary>
    GNode Delta(ValType type) => new GConst(type, _r.Next(8) switch
    {
        < 6 => (ulong)_r.Next(3),
        6 => 0x1_0000,
        _ => type == ValType.I32 ? 0xFFFF_FFFF : ulong.MaxValue,
    });

    GOp MemoryGrow(int memory) =>
        new(Opcode.MemoryGrow, [Delta(AddressType(memory))], [AddressType(memory)], new GImm { Index = memory });

    /// <summary>memory.size/grow or table.size/grow, when one of them produces <paramref name="t"/>.</summary>
    GNode? SizeOrGrow(ValType t, int depth)
    {
        if (t.Kind is not (ValKind.I32 or ValKind.I64)) return null;
        var memories = Enumerable.Range(0, _m.Memories.Count).Where(i => AddressType(i) == t).ToList();
        var tables = Enumerable.Range(0, _m.Tables.Count).Where(i => _m.Tables[i].Type.Limits.AddressType == t).ToList();
        switch (_r.Next(4))
        {
            case 0 when memories.Count > 0: return new GOp(Opcode.MemorySize, [], [t], new GImm { Index = Pick(memories) });
            case 1 when memories.Count > 0: return MemoryGrow(Pick(memories));
            case 2 when tables.Count > 0: return new GOp(Opcode.TableSize, [], [t], new GImm { Index = Pick(tables) });
            case 3 when tables.Count > 0:
                int table = Pick(tables);
                return new GOp(Opcode.TableGrow, [Expr(_m.Tables[table].Type.Element, depth), Delta(t)], [t], new GImm { Index = table });
            default: return null;
        }
    }

    /// <summary>memory.fill, memory.copy, memory.init or data.drop.</summary>
    GNode? BulkMemory(int depth)
    {
        int memory = _r.Next(_m.Memories.Count);
        ValType at = AddressType(memory);
        switch (_r.Next(8))
        {
            case < 3:
                return new GOp(Opcode.MemoryFill, [Address(memory, BulkSize, depth), Expr(ValType.I32, depth), Length(at, depth)], [], new GImm { Index = memory });
            case < 6:
                int source = _r.Next(_m.Memories.Count);
                ValType lengthType = at == ValType.I64 && AddressType(source) == ValType.I64 ? ValType.I64 : ValType.I32;
                return new GOp(Opcode.MemoryCopy, [Address(memory, BulkSize, depth), Address(source, BulkSize, depth), Length(lengthType, depth)], [],
                    new GImm { Index = memory, Index2 = source });
            case 6 when _m.Datas.Count > 0:
            {
                // Mostly a passive segment and a range inside it (active segments are dropped once instantiated).
                var passive = Enumerable.Range(0, _m.Datas.Count).Where(i => _m.Datas[i].Mode == SegmentMode.Passive).ToList();
                int segment = passive.Count > 0 && !Risky(30) ? Pick(passive) : _r.Next(_m.Datas.Count);
                var (from, length) = SegmentRange(_m.Datas[segment].Bytes.Length, depth);
                return new GOp(Opcode.MemoryInit, [Address(memory, BulkSize, depth), from, length], [], new GImm { Index = segment, Index2 = memory });
            }
            case 7 when _m.Datas.Count > 0:
                return new GOp(Opcode.DataDrop, [], [], new GImm { Index = _r.Next(_m.Datas.Count) });
            default:
                return null;
        }
    }

    /// <summary>A source offset and length for memory.init / table.init: mostly within the segment's <paramref name="size"/>.</summary>
    (GNode From, GNode Length) SegmentRange(int size, int depth)
    {
        if (Risky(20)) return (new GConst(ValType.I32, (ulong)_r.Next(size + 2)), Length(ValType.I32, depth));
        int from = _r.Next(size + 1);
        return (new GConst(ValType.I32, (ulong)from), new GConst(ValType.I32, (ulong)_r.Next(size - from + 1)));
    }

    // ---- Tables

    /// <summary>An index into <paramref name="table"/>: mostly inside it or just past it.</summary>
    GNode TableIndex(int table, int depth)
    {
        var limits = _m.Tables[table].Type.Limits;
        ValType at = limits.AddressType;
        if (!Risky(17)) return new GConst(at, (ulong)_r.Next((int)limits.Min));
        return _r.Next(2) == 0 ? Expr(at, depth) : new GConst(at, limits.Min + (ulong)_r.Next(2));   // anything, or just past the end
    }

    /// <summary>A length for table.fill / table.copy: mostly a few elements.</summary>
    GNode TableLength(int table, ValType type, int depth) =>
        Risky(15) ? Length(type, depth) : new GConst(type, (ulong)_r.Next(Math.Min(4, (int)_m.Tables[table].Type.Limits.Min + 1)));

    /// <summary>A value to store in a table: careful code mostly stores functions (a null entry makes call_indirect trap).</summary>
    GNode TableValue(ValType element, int depth)
    {
        if (element.Heap == HeapType.Extern || Risky(50)) return Expr(element, depth);
        if (_o.TypedFunctionReferences) return Expr(element with { Nullable = false }, depth);
        // Without typed references there is no non-null type to ask for: name a function directly.
        var fitting = Callable.Where(f => FuncFits(f, element)).ToList();
        return fitting.Count == 0 ? Expr(element, depth)
            : new GOp(Opcode.RefFunc, [], [element], new GImm { Target = Pick(fitting) });
    }

    GNode? TableStatement(int depth)
    {
        int table = _r.Next(_m.Tables.Count);
        var type = _m.Tables[table].Type;
        ValType at = type.Limits.AddressType;
        switch (_r.Next(10))
        {
            case < 3:
                return new GOp(Opcode.TableSet, [TableIndex(table, depth), TableValue(type.Element, depth)], [], new GImm { Index = table });
            case < 5:
                return new GOp(Opcode.TableFill, [TableIndex(table, depth), TableValue(type.Element, depth), TableLength(table, at, depth)], [], new GImm { Index = table });
            case < 7:
                var sources = Enumerable.Range(0, _m.Tables.Count).Where(i => IsSubtype(_m.Tables[i].Type.Element, type.Element)).ToList();
                int source = Pick(sources);
                ValType lengthType = at == ValType.I64 && _m.Tables[source].Type.Limits.AddressType == ValType.I64 ? ValType.I64 : ValType.I32;
                return new GOp(Opcode.TableCopy, [TableIndex(table, depth), TableIndex(source, depth), TableLength(_m.Tables[table].Type.Limits.Min <= _m.Tables[source].Type.Limits.Min ? table : source, lengthType, depth)], [],
                    new GImm { Index = table, Index2 = source });
            case < 9:
                var segments = Enumerable.Range(0, _m.Elems.Count).Where(i => IsSubtype(_m.Elems[i].Type, type.Element)).ToList();
                if (segments.Count == 0) return null;
                var passive = segments.Where(i => _m.Elems[i].Mode == SegmentMode.Passive).ToList();
                int segment = passive.Count > 0 && !Risky(30) ? Pick(passive) : Pick(segments);
                var (from, length) = SegmentRange(_m.Elems[segment].Items.Count, depth);
                return new GOp(Opcode.TableInit, [TableIndex(table, depth), from, length], [], new GImm { Index = segment, Index2 = table });
            default:
                if (_m.Elems.Count == 0) return null;
                return new GOp(Opcode.ElemDrop, [], [], new GImm { Index = _r.Next(_m.Elems.Count) });
        }
    }

    // ---- References

    GNode RefLeaf(ValType t)
    {
        int k = _r.Next(100);
        if (k < 25)
        {
            var locals = Locals.Where(i => IsSubtype(_f.LocalType(i), t)).ToList();
            if (locals.Count > 0) return Get(Pick(locals));
        }
        else if (k < 40 && GlobalOf(t) is int g)
        {
            return new GOp(Opcode.GlobalGet, [], [_m.Globals[g].Type.Type], new GImm { Index = g });
        }
        if (t.Heap != HeapType.Extern && (k >= 70 || !t.Nullable))
        {
            var fitting = Callable.Where(f => FuncFits(f, t)).ToList();
            if (fitting.Count > 0)
            {
                var f = Pick(fitting);
                return new GOp(Opcode.RefFunc, [], [ValType.Ref(HeapType.Concrete((uint)f.TypeIndex), nullable: false)], new GImm { Target = f });
            }
        }
        var nullRef = new GOp(Opcode.RefNull, [], [t with { Nullable = true }], new GImm { Heap = t.Heap });
        // A non-null type with no function to refer to (never generated, but kept valid): a null that traps.
        return t.Nullable ? nullRef : new GOp(Opcode.RefAsNonNull, [nullRef], [t]);
    }

    GNode RefExpr(ValType t, int depth)
    {
        int k = _r.Next(100);
        GNode? node = k switch
        {
            < 40 => null,
            < 52 => TableGet(t, depth),
            < 58 => Select(t, depth),
            < 66 when _o.TypedFunctionReferences => new GOp(Opcode.RefAsNonNull, [Expr(t with { Nullable = Risky(50) }, depth)], [t with { Nullable = false }]),
            < 74 => _nesting < _o.MaxBlockNesting ? Block([t], depth) : null,
            < 80 => CallExpr(t, depth),
            < 86 when _o.TypedFunctionReferences && t.Heap != HeapType.Extern => BrOnNull(t, depth),
            < 92 when _o.TypedFunctionReferences && t.Heap != HeapType.Extern && _nesting < _o.MaxBlockNesting => BrOnNonNullBlock(t, depth),
            _ => null,
        };
        return node ?? RefLeaf(t);
    }

    GNode? TableGet(ValType t, int depth)
    {
        var tables = Enumerable.Range(0, _m.Tables.Count).Where(i => IsSubtype(_m.Tables[i].Type.Element, t)).ToList();
        if (tables.Count == 0) return null;
        int table = Pick(tables);
        return new GOp(Opcode.TableGet, [TableIndex(table, depth)], [_m.Tables[table].Type.Element], new GImm { Index = table });
    }

    /// <summary><c>br_on_null $l (expr)</c> to a label that carries nothing: leaves the non-null reference.</summary>
    GNode? BrOnNull(ValType t, int depth)
    {
        var labels = _labels.Where(l => LabelTypes(l).Length == 0).ToList();
        if (labels.Count == 0) return null;
        return new GOp(Opcode.BrOnNull, [Expr(t with { Nullable = true }, depth)], [t with { Nullable = false }], new GImm { Target = Pick(labels) });
    }

    /// <summary><c>(block (result (ref ht)) (br_on_non_null 0 (expr)) (fallback))</c>: the reference if not null, else another.</summary>
    GNode BrOnNonNullBlock(ValType t, int depth)
    {
        ValType result = t with { Nullable = false };
        _nesting++;
        var b = new GBlock(Opcode.Block, [], [result], -1);
        _labels.Add(b);
        b.Body.Add(new GOp(Opcode.BrOnNonNull, [Expr(t with { Nullable = true }, depth)], [], new GImm { Target = b }));
        b.Body.Add(Expr(result, depth));
        _labels.RemoveAt(_labels.Count - 1);
        _nesting--;
        return b;
    }
}
