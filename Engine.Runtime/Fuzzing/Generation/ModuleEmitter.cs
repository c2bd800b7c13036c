using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Runtime.Fuzzing;

/// <summary>A generated module that cannot be emitted: a branch target out of scope or a removed function (the shrinker's edits can cause it).</summary>
public sealed class EmitException(string message) : Exception(message);

/// <summary>
/// Turns a <see cref="GModule"/> into the shared <see cref="WasmModule"/> model, bodies written with
/// <see cref="WasmWriter"/>, so <see cref="ModuleEncoder"/> makes the binary. Indices and label depths are
/// computed here from the objects the tree refers to; the export names follow the <see cref="GModule"/> conventions.
/// </summary>
public sealed class ModuleEmitter
{
    readonly GModule _g;
    readonly Dictionary<object, int> _funcIndex = new(ReferenceEqualityComparer.Instance);
    readonly WasmWriter _w = new(1024);
    readonly List<object> _labels = [];
    bool _usesDataIndex;

    ModuleEmitter(GModule module)
    {
        _g = module;
        for (int i = 0; i < module.Imports.Count; i++) _funcIndex[module.Imports[i]] = i;
        for (int i = 0; i < module.Funcs.Count; i++) _funcIndex[module.Funcs[i]] = module.Imports.Count + i;
    }

    /// <summary>The module model (throws <see cref="EmitException"/> when the tree refers to something out of scope).</summary>
    public static WasmModule Emit(GModule module) => new ModuleEmitter(module).EmitModule();

    /// <summary>The binary encoding.</summary>
    public static byte[] Encode(GModule module) => ModuleEncoder.Encode(Emit(module));

    WasmModule EmitModule()
    {
        var m = new WasmModule();
        for (int i = 0; i < _g.Types.Count; i++)
        {
            m.Types.Add(new SubType(true, [], _g.Types[i].ToFuncType()) { RecGroup = i });
            m.RecGroups.Add(new RecGroup(i, 1, false));
        }
        foreach (var imp in _g.Imports) m.Imports.Add(new Import(HostImport.Module, imp.Name, ImportDesc.ForFunc((uint)imp.TypeIndex)));
        foreach (var f in _g.Funcs) m.Functions.Add((uint)f.TypeIndex);
        foreach (var t in _g.Tables) m.Tables.Add(new TableDef(t.Type, null));
        foreach (var mem in _g.Memories) m.Memories.Add(mem.Type);
        foreach (var gl in _g.Globals) m.Globals.Add(new GlobalDef(gl.Type, ConstantExpression(gl.Init)));
        for (int i = 0; i < _g.Funcs.Count; i++) m.Exports.Add(new Export(GModule.FuncExport(i), ExternKind.Func, (uint)(_g.Imports.Count + i)));
        for (int i = 0; i < _g.Tables.Count; i++) m.Exports.Add(new Export(GModule.TableExport(i), ExternKind.Table, (uint)i));
        for (int i = 0; i < _g.Memories.Count; i++) m.Exports.Add(new Export(GModule.MemoryExport(i), ExternKind.Memory, (uint)i));
        for (int i = 0; i < _g.Globals.Count; i++)
            m.Exports.Add(new Export(i == _g.FuelGlobal ? GModule.FuelExport : GModule.GlobalExport(i), ExternKind.Global, (uint)i));
        if (_g.Start is { } start) m.Start = (uint)FuncIndex(start);
        foreach (var e in _g.Elems) m.Elements.Add(Element(e));
        foreach (var f in _g.Funcs) m.Code.Add(Body(f));
        // The data count section when code names data segments, as the text parser does (so a printed module parses back to the same bytes).
        if (_usesDataIndex) m.DataCount = (uint)_g.Datas.Count;
        foreach (var d in _g.Datas)
            m.Data.Add(new DataSegment(d.Mode, (uint)d.Memory, d.Offset is null ? null : ConstantExpression(d.Offset), d.Bytes));
        return m;
    }

    int FuncIndex(object f) =>
        _funcIndex.TryGetValue(f, out int i) ? i : throw new EmitException("a reference to a function that is not in the module");

    ElementSegment Element(GElem e)
    {
        ConstExpr? offset = e.Offset is null ? null : ConstantExpression(e.Offset);
        var exprs = new ConstExpr[e.Items.Count];
        for (int i = 0; i < exprs.Length; i++)
        {
            _w.Clear();
            if (e.Items[i] is { } f) { _w.Opcode(Opcode.RefFunc); _w.U32((uint)FuncIndex(f)); }
            else { _w.Opcode(Opcode.RefNull); _w.HeapType(e.Type.Heap); }
            _w.Opcode(Opcode.End);
            exprs[i] = new ConstExpr(_w.ToArray());
        }
        return new ElementSegment(e.Mode, e.Type, (uint)e.Table, offset, null, exprs);
    }

    ConstExpr ConstantExpression(GNode node)
    {
        _w.Clear();
        _labels.Clear();
        Node(node);
        _w.Opcode(Opcode.End);
        return new ConstExpr(_w.ToArray());
    }

    FunctionBody Body(GFunc f)
    {
        _w.Clear();
        _labels.Clear();
        _labels.Add(f);
        foreach (var n in f.Body) Node(n);
        _w.Opcode(Opcode.End);
        var groups = new List<LocalGroup>();
        foreach (var t in f.Locals)
        {
            if (groups.Count > 0 && groups[^1].Type == t) groups[^1] = groups[^1] with { Count = groups[^1].Count + 1 };
            else groups.Add(new LocalGroup(1, t));
        }
        return new FunctionBody([.. groups], _w.ToArray());
    }

    void Node(GNode node)
    {
        switch (node)
        {
            case GConst c: Const(c.Type, c.Bits); break;
            case GStacked: break;
            case GOp op: Op(op); break;
            case GBlock b: Block(b); break;
            case GUnpack u:
                foreach (var n in u.Source) Node(n);
                for (int i = u.Locals.Length - 1; i >= 0; i--)
                {
                    if (u.Locals[i] < 0) _w.Opcode(Opcode.Drop);
                    else { _w.Opcode(Opcode.LocalSet); _w.U32((uint)u.Locals[i]); }
                }
                break;
            case GCanon canon: Canon(canon); break;
            case GFuelCheck: FuelCheck(); break;
            default: throw new EmitException($"unknown node {node.GetType().Name}");
        }
    }

    void Const(ValType type, ulong bits)
    {
        switch (type.Kind)
        {
            case ValKind.I32: _w.Opcode(Opcode.I32Const); _w.S32((int)(uint)bits); break;
            case ValKind.I64: _w.Opcode(Opcode.I64Const); _w.S64((long)bits); break;
            case ValKind.F32: _w.Opcode(Opcode.F32Const); _w.F32Bits((uint)bits); break;
            case ValKind.F64: _w.Opcode(Opcode.F64Const); _w.F64Bits(bits); break;
            default: throw new EmitException($"no constant of type {type}");
        }
    }

    void Canon(GCanon canon)
    {
        bool is64 = canon.Results[0].Kind == ValKind.F64;
        Const(canon.Results[0], is64 ? EdgeValues.CanonicalNanF64 : EdgeValues.CanonicalNanF32);
        foreach (var n in canon.Value) Node(n);
        _w.Opcode(Opcode.LocalTee); _w.U32((uint)canon.Scratch);
        _w.Opcode(Opcode.LocalGet); _w.U32((uint)canon.Scratch);
        _w.Opcode(Opcode.LocalGet); _w.U32((uint)canon.Scratch);
        _w.Opcode(is64 ? Opcode.F64Ne : Opcode.F32Ne);
        _w.Opcode(Opcode.Select);
    }

    void FuelCheck()
    {
        uint fuel = (uint)_g.FuelGlobal;
        _w.Opcode(Opcode.GlobalGet); _w.U32(fuel);
        _w.Opcode(Opcode.I32Eqz);
        _w.Opcode(Opcode.If); _w.Byte(0x40);
        _w.Opcode(Opcode.Unreachable);
        _w.Opcode(Opcode.End);
        _w.Opcode(Opcode.GlobalGet); _w.U32(fuel);
        _w.Opcode(Opcode.I32Const); _w.S32(1);
        _w.Opcode(Opcode.I32Sub);
        _w.Opcode(Opcode.GlobalSet); _w.U32(fuel);
    }

    void Block(GBlock b)
    {
        foreach (var n in b.Inputs) Node(n);
        _w.Opcode(b.Kind);
        if (b.TypeIndex >= 0) _w.S64(b.TypeIndex);
        else if (b.Results.Length == 0) _w.Byte(0x40);
        else _w.ValType(b.Results[0]);
        _labels.Add(b);
        foreach (var n in b.Body) Node(n);
        // An else arm that emits nothing (at most the parameters passing through) is the same as none, and the text parser drops it.
        if (b.Else is { } els && !els.TrueForAll(n => n is GStacked))
        {
            _w.Opcode(Opcode.Else);
            foreach (var n in els) Node(n);
        }
        _labels.RemoveAt(_labels.Count - 1);
        _w.Opcode(Opcode.End);
    }

    uint Depth(object? target)
    {
        for (int i = _labels.Count - 1; i >= 0; i--)
            if (ReferenceEquals(_labels[i], target)) return (uint)(_labels.Count - 1 - i);
        throw new EmitException("a branch to a label that is not in scope");
    }

    void Op(GOp op)
    {
        foreach (var a in op.Args) Node(a);
        _w.Opcode(op.Op);
        ref GImm imm = ref op.Imm;
        switch (op.Op.Immediates())
        {
            case ImmediateKind.None: break;
            case ImmediateKind.Label: _w.U32(Depth(imm.Target)); break;
            case ImmediateKind.BrTable:
                _w.U32((uint)imm.Targets!.Length);
                foreach (var t in imm.Targets) _w.U32(Depth(t));
                _w.U32(Depth(imm.Target));
                break;
            case ImmediateKind.Func: _w.U32((uint)FuncIndex(imm.Target!)); break;
            case ImmediateKind.CallIndirect: _w.U32((uint)imm.Index); _w.U32((uint)imm.Index2); break;
            case ImmediateKind.Local: case ImmediateKind.Global: case ImmediateKind.Table: case ImmediateKind.Memory:
            case ImmediateKind.Type: case ImmediateKind.Data: case ImmediateKind.Elem:
                _usesDataIndex |= op.Op.Immediates() == ImmediateKind.Data;
                _w.U32((uint)imm.Index);
                break;
            case ImmediateKind.MemArg:
                if (imm.Index == 0) _w.U32((uint)imm.AlignLog2);
                else { _w.U32((uint)imm.AlignLog2 | 0x40); _w.U32((uint)imm.Index); }
                _w.U64(imm.Offset);
                break;
            case ImmediateKind.DataMemory: case ImmediateKind.MemoryMemory: case ImmediateKind.ElemTable: case ImmediateKind.TableTable:
                _usesDataIndex |= op.Op.Immediates() == ImmediateKind.DataMemory;
                _w.U32((uint)imm.Index); _w.U32((uint)imm.Index2);
                break;
            case ImmediateKind.HeapType: _w.HeapType(imm.Heap); break;
            case ImmediateKind.SelectTypes: _w.U32(1); _w.ValType(imm.Type); break;
            default: throw new EmitException($"{op.Op.Mnemonic()}: immediates {op.Op.Immediates()} are not generated");
        }
    }
}
