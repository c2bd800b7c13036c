using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>Direct, indirect and reference calls, and their tail-call forms.</summary>
public sealed partial class BodyGenerator
{
    GOp Call(GFunc callee, int depth) =>
        new(Opcode.Call, Values(callee.Type.Params, depth), callee.Type.Results, new GImm { Target = callee });

    GOp CallImport(HostImport import, int depth) =>
        new(Opcode.Call, Values(import.Type.Params, depth), import.Type.Results, new GImm { Target = import });

    GNode? CallExpr(ValType t, int depth)
    {
        var imports = _m.Imports.Where(i => i.Type.Results is [var r] && r == t).ToList();
        if (imports.Count > 0 && _r.Next(4) == 0) return CallImport(Pick(imports), depth);
        var callees = Callees.Where(f => f.Type.Results is [var only] && IsSubtype(only, t)).ToList();
        return callees.Count == 0 ? null : Call(Pick(callees), depth);
    }

    /// <summary>A call statement: of a defined function, or now and then of a host function.</summary>
    GNode? CallStatement(int depth)
    {
        if (_m.Imports.Count > 0 && _r.Next(5) == 0) return Discard(CallImport(Pick(_m.Imports), depth));
        var callees = Callees.ToList();
        return callees.Count > 0 ? Discard(Call(Pick(callees), depth)) : null;
    }

    /// <summary>The tables call_indirect can use: those of function references.</summary>
    List<int> FunctionTables() =>
        Enumerable.Range(0, _m.Tables.Count).Where(i => _m.Tables[i].Type.Element.Heap != HeapType.Extern).ToList();

    /// <summary>
    /// A call_indirect with the given results (any, when null), through a function table: usually with the type of
    /// a function the table's segments put there and the index of that slot (a match, unless code changed the
    /// table since), sometimes another type or index (a mismatch, a null entry, an index out of bounds).
    /// </summary>
    GNode? CallIndirect(ValType[]? results, int depth, bool tail = false)
    {
        var tables = FunctionTables();
        if (tables.Count == 0) return null;
        int table = Pick(tables);
        var placed = PlacedFunctions(table);
        var types = Enumerable.Range(0, _m.Types.Count).Where(i => results is null || _m.Types[i].Results.AsSpan().SequenceEqual(results)).ToList();
        var matching = types.Where(t => placed.Any(p => p.Func.TypeIndex == t)).ToList();
        if (types.Count == 0 || (matching.Count == 0 && !Risky(50))) return null;
        int type = matching.Count > 0 && !Risky(25) ? Pick(matching) : Pick(types);
        var args = Values(_m.Types[type].Params, depth);
        var slots = placed.Where(p => p.Func.TypeIndex == type).ToList();
        args.Add(slots.Count > 0 && !Risky(33)
            ? new GConst(_m.Tables[table].Type.Limits.AddressType, Pick(slots).Slot)
            : TableIndex(table, depth));
        return new GOp(tail ? Opcode.ReturnCallIndirect : Opcode.CallIndirect, args, tail ? results! : _m.Types[type].Results,
            new GImm { Index = type, Index2 = table });
    }

    /// <summary>Where the active segments put functions in <paramref name="table"/> (later segments overwrite earlier ones).</summary>
    List<(ulong Slot, GFunc Func)> PlacedFunctions(int table)
    {
        var slots = new Dictionary<ulong, GFunc?>();
        foreach (var e in _m.Elems)
        {
            if (e.Table != table || e.Mode != SegmentMode.Active || e.Offset is not GConst offset) continue;
            if (offset.Bits + (ulong)e.Items.Count > _m.Tables[table].Type.Limits.Min) continue;   // traps at instantiation
            for (int i = 0; i < e.Items.Count; i++) slots[offset.Bits + (ulong)i] = e.Items[i];
        }
        return slots.Where(s => s.Value is not null).Select(s => (s.Key, s.Value!)).ToList();
    }

    /// <summary>A call_ref of a type some function has, through a reference that is now and then null.</summary>
    GNode? CallRef(ValType[] results, int depth, bool tail = false)
    {
        if (!_o.TypedFunctionReferences) return null;
        var types = Callable.Select(f => f.TypeIndex).Distinct().Where(i => _m.Types[i].Results.AsSpan().SequenceEqual(results)).ToList();
        if (types.Count == 0) return null;
        int type = Pick(types);
        var args = Values(_m.Types[type].Params, depth);
        args.Add(Expr(ValType.Ref(HeapType.Concrete((uint)type), nullable: Risky(25)), depth));
        return new GOp(tail ? Opcode.ReturnCallRef : Opcode.CallRef, args, tail ? results : _m.Types[type].Results, new GImm { Index = type });
    }

    /// <summary>return_call, return_call_indirect or return_call_ref of something with this function's results.</summary>
    GNode? TailCall(ValType[] results, int depth)
    {
        var mine = _f.Type.Results;
        switch (_r.Next(3))
        {
            case 0:
                var callees = Callees.Where(f => f.Type.Results.AsSpan().SequenceEqual(mine)).ToList();
                if (callees.Count == 0) return null;
                var callee = Pick(callees);
                return new GOp(Opcode.ReturnCall, Values(callee.Type.Params, depth), results, new GImm { Target = callee });
            case 1:
                return CallIndirect(mine, depth, tail: true) is GOp ci ? Retype(ci, results) : null;
            default:
                return CallRef(mine, depth, tail: true) is GOp cr ? Retype(cr, results) : null;
        }
    }

    /// <summary>The same tail call given the results its context wants (a tail call's type is polymorphic).</summary>
    static GOp Retype(GOp op, ValType[] results) => new(op.Op, op.Args, results, op.Imm);
}
