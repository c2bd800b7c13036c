using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>
/// An instance in the interpreter: its VMContext laid out by <see cref="VmOffsets"/> in the emulated
/// memory (inline memory/table records and global cells for what it defines, pointers to the exporter's
/// for what it imports, VMFuncRefs, import records, canonical type ids, the builtins table and store
/// context pointers), plus the segments' contents for bulk operations. Instantiation follows the spec's
/// order: imports, globals, tables, memories, element segments, data segments (a trap stops it with the
/// earlier writes kept), then the start function.
/// </summary>
sealed class InterpInstance
{
    public const long MaxMemoryBytes = 1L << 30;

    public InterpStore Store { get; }
    public CompiledModule Compiled { get; }
    public long Vmctx { get; }
    public FuncObj[] Funcs { get; }
    public MemoryObj[] Memories { get; }
    public TableObj[] Tables { get; }
    public GlobalObj[] Globals { get; }
    public byte[][] Data { get; }
    public long[][] Elems { get; }
    public Dictionary<string, object> Exports { get; } = new(StringComparer.Ordinal);

    VmOffsets Offsets => Compiled.Offsets;
    WasmModule Module => Compiled.Module;

    InterpInstance(InterpStore store, CompiledModule compiled)
    {
        Store = store;
        Compiled = compiled;
        var m = compiled.Module;
        Vmctx = store.Memory.Allocate(Math.Max(compiled.Offsets.Size, 16)).Base;
        store.InstancesByVmctx[Vmctx] = this;
        Funcs = new FuncObj[m.FunctionTypeIndices.Length];
        Memories = new MemoryObj[m.MemoryTypes.Length];
        Tables = new TableObj[m.TableTypes.Length];
        Globals = new GlobalObj[m.GlobalTypes.Length];
        Data = m.Data.Select(d => d.Bytes.ToArray()).ToArray();
        Elems = new long[m.Elements.Count][];
    }

    /// <summary>Creates and initialises an instance; <paramref name="resolve"/> finds an import's object (null: unknown).</summary>
    public static InterpInstance Instantiate(InterpStore store, CompiledModule compiled, Func<string, string, object?> resolve)
    {
        var inst = new InterpInstance(store, compiled);
        inst.Link(resolve);
        inst.Initialise();
        return inst;
    }

    void Write(long address, long value) => Store.Memory.WriteI64(address, value);

    void Link(Func<string, string, object?> resolve)
    {
        var m = Module;
        int fi = 0, mi = 0, ti = 0, gi = 0;
        foreach (var imp in m.Imports)
        {
            object? obj = resolve(imp.Module, imp.Name) ?? throw new LinkException($"unknown import {imp.Module}.{imp.Name}");
            switch (imp.Desc.Kind)
            {
                case ExternKind.Func:
                    if (obj is not FuncObj f) throw new LinkException("incompatible import type");
                    int rec = Offsets.ImportedFunction((uint)fi);
                    Write(Vmctx + rec + VmOffsets.ImportedFunctionCode, f.CodeId);
                    Write(Vmctx + rec + VmOffsets.ImportedFunctionVmContext, f.Instance?.Vmctx ?? 0);
                    Write(Vmctx + rec + VmOffsets.ImportedFunctionFuncRef, f.FuncRef);
                    Funcs[fi++] = f;
                    break;
                case ExternKind.Memory:
                    if (obj is not MemoryObj mem) throw new LinkException("incompatible import type");
                    Write(Vmctx + Offsets.Memory((uint)mi).Offset, mem.Record);
                    Memories[mi++] = mem;
                    break;
                case ExternKind.Table:
                    if (obj is not TableObj t) throw new LinkException("incompatible import type");
                    Write(Vmctx + Offsets.Table((uint)ti).Offset, t.Record);
                    Tables[ti++] = t;
                    break;
                case ExternKind.Global:
                    if (obj is not GlobalObj g) throw new LinkException("incompatible import type");
                    Write(Vmctx + Offsets.Global((uint)gi).Offset, g.Cell);
                    Globals[gi++] = g;
                    break;
                default:
                    throw new SkipException("tags are outside the optimizing compiler's scope");
            }
        }

        var canonical = Compiled.Context.Types.CanonicalIds;
        for (int t = 0; t < canonical.Length; t++) Store.Memory.Write(Vmctx + Offsets.TypeId((uint)t), 4, (uint)canonical[t]);
        Write(Vmctx + Offsets.Builtins, Store.BuiltinsTable);
        Write(Vmctx + Offsets.StoreContext, Store.StoreContext);

        for (int d = 0; d < m.Functions.Count; d++)
        {
            uint index = (uint)(m.ImportedFunctionCount + d);
            uint type = m.FunctionTypeIndices[(int)index];
            var f = new FuncObj
            {
                Instance = this, Index = index, Ir = Compiled.Functions[d], Unsupported = Compiled.Unsupported[d],
                Type = m.FunctionType(index), TypeId = canonical[(int)type],
            };
            Store.NewCodeId(f);
            f.FuncRef = Vmctx + Offsets.FuncRef(index);
            Write(f.FuncRef + VmFuncRef.Code, f.CodeId);
            Write(f.FuncRef + VmFuncRef.TypeId, f.TypeId);
            Write(f.FuncRef + VmFuncRef.VmContext, Vmctx);
            Funcs[index] = f;
        }
    }

    void Initialise()
    {
        var m = Module;
        for (int g = 0; g < m.Globals.Count; g++)
        {
            int index = m.ImportedGlobalCount + g;
            var def = m.Globals[g];
            Globals[index] = Store.NewGlobal(def.Type, EvalConst(def.Init), Vmctx + Offsets.Global((uint)index).Offset);
        }
        for (int t = 0; t < m.Tables.Count; t++)
        {
            int index = m.ImportedTableCount + t;
            var def = m.Tables[t];
            long init = def.Init is ConstExpr e ? EvalConst(e) : 0;
            Tables[index] = Store.NewTable(def.Type, init, Vmctx + Offsets.Table((uint)index).Offset);
        }
        for (int i = 0; i < m.Memories.Count; i++)
        {
            int index = m.ImportedMemoryCount + i;
            Memories[index] = Store.NewMemory(m.Memories[i], Vmctx + Offsets.Memory((uint)index).Offset);
        }
        foreach (var ex in m.Exports)
        {
            Exports[ex.Name] = ex.Kind switch
            {
                ExternKind.Func => Funcs[ex.Index],
                ExternKind.Memory => Memories[ex.Index],
                ExternKind.Table => Tables[ex.Index],
                ExternKind.Global => Globals[ex.Index],
                _ => new object(),
            };
        }
        for (int e = 0; e < m.Elements.Count; e++)
        {
            var seg = m.Elements[e];
            Elems[e] = seg.FuncIndices is not null
                ? seg.FuncIndices.Select(f => Funcs[f].FuncRef).ToArray()
                : seg.Exprs!.Select(EvalConst).ToArray();
        }
        for (int e = 0; e < m.Elements.Count; e++)
        {
            var seg = m.Elements[e];
            if (seg.Mode == SegmentMode.Active)
            {
                var table = Tables[seg.TableIndex];
                ulong offset = (ulong)EvalConst(seg.Offset!.Value);
                if (!table.Type.Limits.Is64) offset = (uint)offset;
                var items = Elems[e];
                if (!InterpBuiltins.InBounds(offset, (ulong)items.Length, TableLength(table))) throw new InterpTrap(TrapCode.TableOutOfBounds);
                for (int k = 0; k < items.Length; k++) Write(TableBase(table) + (long)(offset + (ulong)k) * 8, items[k]);
            }
            if (seg.Mode != SegmentMode.Passive) Elems[e] = [];
        }
        for (int d = 0; d < m.Data.Count; d++)
        {
            var seg = m.Data[d];
            if (seg.Mode != SegmentMode.Active) continue;
            var mem = Memories[seg.MemoryIndex];
            ulong offset = (ulong)EvalConst(seg.Offset!.Value);
            if (!mem.Type.Limits.Is64) offset = (uint)offset;
            var bytes = Data[d];
            if (!InterpBuiltins.InBounds(offset, (ulong)bytes.Length, (ulong)mem.Segment.Size)) throw new InterpTrap(TrapCode.MemoryOutOfBounds);
            bytes.CopyTo(mem.Segment.Data.AsSpan((int)offset));
            Data[d] = [];
        }
        if (m.Start is uint start) IrInterpreter.Invoke(Store, Funcs[start], []);
    }

    public long TableBase(TableObj t) => Store.Memory.ReadI64(t.Record + VmOffsets.TableBase);
    public ulong TableLength(TableObj t) => (ulong)Store.Memory.ReadI64(t.Record + VmOffsets.TableLength);

    /// <summary>Evaluates a constant expression to raw bits (i32 sign-extended, references as addresses or handles).</summary>
    long EvalConst(ConstExpr e)
    {
        var reader = OperatorReader.ForConstExpr(e.Code.Span, Math.Max(e.Offset, 0));
        var stack = new Stack<long>();
        var op = default(Operator);
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            switch (op.Opcode)
            {
                case Opcode.I32Const: stack.Push((int)(uint)op.Bits); break;
                case Opcode.I64Const:
                case Opcode.F64Const: stack.Push((long)op.Bits); break;
                case Opcode.F32Const: stack.Push((uint)op.Bits); break;
                case Opcode.RefNull: stack.Push(0); break;
                case Opcode.RefFunc: stack.Push(Funcs[op.Index].FuncRef); break;
                case Opcode.GlobalGet:
                {
                    var g = Globals[op.Index];
                    long raw = Store.Memory.ReadI64(g.Cell);
                    stack.Push(g.Type.Type.Kind switch { ValKind.I32 => (int)raw, ValKind.F32 => (uint)raw, _ => raw });
                    break;
                }
                case Opcode.I32Add: { long b = stack.Pop(), a = stack.Pop(); stack.Push((int)(a + b)); break; }
                case Opcode.I32Sub: { long b = stack.Pop(), a = stack.Pop(); stack.Push((int)(a - b)); break; }
                case Opcode.I32Mul: { long b = stack.Pop(), a = stack.Pop(); stack.Push((int)(a * b)); break; }
                case Opcode.I64Add: { long b = stack.Pop(), a = stack.Pop(); stack.Push(a + b); break; }
                case Opcode.I64Sub: { long b = stack.Pop(), a = stack.Pop(); stack.Push(a - b); break; }
                case Opcode.I64Mul: { long b = stack.Pop(), a = stack.Pop(); stack.Push(a * b); break; }
                case Opcode.End: break;
                default: throw new SkipException($"constant expression with {op.Opcode.Mnemonic()}");
            }
        }
        return stack.Pop();
    }
}
