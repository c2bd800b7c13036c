using Hoist.Runtime.Values;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Runtime.Instantiation;

/// <summary>
/// Instantiation in the spec's order: match the imports; fill the VMContext (runtime fields, canonical type
/// ids, import entries, the funcrefs of defined functions); allocate memories; evaluate global initialisers
/// in order, then table initialisers; evaluate element segments; export; apply active element segments in
/// order, then active data segments in order (each bounds-checked before it writes, trapping with "out of
/// bounds table access" / "out of bounds memory access" and leaving earlier writes in place); drop active
/// and declarative segments; run the start function.
/// </summary>
/// <remarks>
/// The instance is registered with the store as soon as its VMContext exists, so whatever a failed
/// instantiation already wrote (funcrefs in imported tables, for instance) stays valid until the store is
/// disposed. Link errors are <see cref="LinkException"/>s; traps are <see cref="TrapException"/>s.
/// </remarks>
internal static unsafe class Instantiator
{
    public static Instance Instantiate(Store store, Module module, Extern[] imports)
    {
        if (!ReferenceEquals(store.Engine, module.Engine)) throw new ArgumentException("the module and the store belong to different engines");
        WasmModule m = module.Wasm;
        if (imports.Length != m.Imports.Count)
            throw new LinkException($"{LinkException.UnknownImport}: the module has {m.Imports.Count} imports, {imports.Length} were given");
        for (int i = 0; i < imports.Length; i++)
        {
            store.CheckSameStore(imports[i]);
            ImportMatcher.Check(module, m.Imports[i], imports[i]);
        }

        var instance = new Instance(store, module);
        FillTypesAndImports(instance, imports);
        DefineFunctions(instance);
        DefineMemories(instance);
        DefineTags(instance);
        DefineGlobals(instance);
        DefineTables(instance);
        EvaluateSegments(instance);
        Export(instance);
        ApplyElements(instance);
        ApplyData(instance);
        if (m.Start is uint start) instance.Function(start).Invoke();
        return instance;
    }

    static void FillTypesAndImports(Instance inst, Extern[] imports)
    {
        VmOffsets o = inst.Offsets;
        nint vm = inst.VmContext;
        int[] canonical = inst.Module.CanonicalTypeIds;
        for (int i = 0; i < canonical.Length; i++) *(uint*)(vm + o.TypeId((uint)i)) = (uint)canonical[i];
        uint funcs = 0, tables = 0, memories = 0, globals = 0, tags = 0;
        foreach (Extern e in imports)
        {
            switch (e)
            {
                case Func f:
                    nint entry = vm + o.ImportedFunction(funcs);
                    *(nint*)(entry + VmOffsets.ImportedFunctionCode) = *(nint*)(f.FuncRef + VmFuncRef.Code);
                    *(nint*)(entry + VmOffsets.ImportedFunctionVmContext) = *(nint*)(f.FuncRef + VmFuncRef.VmContext);
                    *(nint*)(entry + VmOffsets.ImportedFunctionFuncRef) = f.FuncRef;
                    inst.Functions[funcs++] = f;
                    break;
                case Table t:
                    *(nint*)(vm + o.Table(tables).Offset) = t.Definition;
                    inst.Tables[tables++] = t;
                    break;
                case Memory mem:
                    *(nint*)(vm + o.Memory(memories).Offset) = mem.Definition;
                    inst.Memories[memories++] = mem;
                    break;
                case Global g:
                    *(nint*)(vm + o.Global(globals).Offset) = g.Cell;
                    inst.Globals[globals++] = g;
                    break;
                case Tag t:
                    *(nint*)(vm + o.Tag(tags)) = t.Identity;
                    inst.Tags[tags++] = t;
                    break;
            }
        }
    }

    static void DefineFunctions(Instance inst)
    {
        WasmModule m = inst.Module.Wasm;
        int imported = m.ImportedFunctionCount;
        int[] canonical = inst.Module.CanonicalTypeIds;
        for (int d = 0; d < m.Functions.Count; d++)
        {
            nint fr = inst.VmContext + inst.Offsets.FuncRef((uint)(imported + d));
            *(nint*)(fr + VmFuncRef.Code) = inst.Code.FunctionAddress(d);
            *(ulong*)(fr + VmFuncRef.TypeId) = (ulong)canonical[m.Functions[d]];
            *(nint*)(fr + VmFuncRef.VmContext) = inst.VmContext;
        }
    }

    static void DefineMemories(Instance inst)
    {
        WasmModule m = inst.Module.Wasm;
        int imported = m.ImportedMemoryCount;
        for (int d = 0; d < m.Memories.Count; d++)
        {
            uint index = (uint)(imported + d);
            inst.Memories[index] = new Memory(inst.Store, m.Memories[d], inst.VmContext + inst.Offsets.Memory(index).Offset);
        }
    }

    static void DefineTags(Instance inst)
    {
        WasmModule m = inst.Module.Wasm;
        int imported = m.ImportedTagCount;
        for (int d = 0; d < m.Tags.Count; d++)
        {
            uint index = (uint)(imported + d);
            var tag = new Tag(inst.Store, inst.Module.CanonicalTypeIds[m.Tags[d].TypeIndex], inst.Store.AllocateNative(16));
            *(nint*)(inst.VmContext + inst.Offsets.Tag(index)) = tag.Identity;
            inst.Tags[index] = tag;
        }
    }

    static void DefineGlobals(Instance inst)
    {
        WasmModule m = inst.Module.Wasm;
        int imported = m.ImportedGlobalCount;
        for (int d = 0; d < m.Globals.Count; d++)
        {
            uint index = (uint)(imported + d);
            GlobalDef def = m.Globals[d];
            nint cell = inst.VmContext + inst.Offsets.Global(index).Offset;
            *(ValueSlot*)cell = ConstExprEvaluator.Evaluate(inst, def.Init);
            var type = def.Type with { Type = TypeRegistry.ToCanonical(def.Type.Type, inst.Module.CanonicalTypeIds) };
            inst.Globals[index] = new Global(inst.Store, type, cell);
        }
    }

    static void DefineTables(Instance inst)
    {
        WasmModule m = inst.Module.Wasm;
        int imported = m.ImportedTableCount;
        for (int d = 0; d < m.Tables.Count; d++)
        {
            uint index = (uint)(imported + d);
            TableDef def = m.Tables[d];
            ulong init = def.Init is ConstExpr e ? ConstExprEvaluator.Evaluate(inst, e).Lo : 0;
            var type = def.Type with { Element = TypeRegistry.ToCanonical(def.Type.Element, inst.Module.CanonicalTypeIds) };
            inst.Tables[index] = new Table(inst.Store, type, inst.VmContext + inst.Offsets.Table(index).Offset, init);
        }
    }

    static void EvaluateSegments(Instance inst)
    {
        WasmModule m = inst.Module.Wasm;
        for (int i = 0; i < m.Elements.Count; i++)
        {
            ElementSegment seg = m.Elements[i];
            var items = new ulong[seg.Count];
            if (seg.FuncIndices is uint[] funcs)
                for (int k = 0; k < items.Length; k++) items[k] = (ulong)inst.FuncRefOf(funcs[k]);
            else
                for (int k = 0; k < items.Length; k++) items[k] = ConstExprEvaluator.Evaluate(inst, seg.Exprs![k]).Lo;
            inst.ElementSegments[i] = items;
        }
        for (int i = 0; i < m.Data.Count; i++) inst.DataSegments[i] = m.Data[i].Bytes;
    }

    static void Export(Instance inst)
    {
        foreach (Export e in inst.Module.Wasm.Exports)
        {
            Extern x = e.Kind switch
            {
                ExternKind.Func => inst.Function(e.Index),
                ExternKind.Table => inst.Tables[e.Index],
                ExternKind.Memory => inst.Memories[e.Index],
                ExternKind.Global => inst.Globals[e.Index],
                _ => inst.Tags[e.Index],
            };
            inst.AddExport(e.Name, x);
        }
    }

    static void ApplyElements(Instance inst)
    {
        WasmModule m = inst.Module.Wasm;
        for (int i = 0; i < m.Elements.Count; i++)
        {
            ElementSegment seg = m.Elements[i];
            if (seg.Mode == SegmentMode.Passive) continue;
            if (seg.Mode == SegmentMode.Active)
            {
                Table table = inst.Tables[seg.TableIndex];
                ulong offset = ConstExprEvaluator.Evaluate(inst, seg.Offset!.Value).Lo;
                ulong[] items = inst.ElementSegments[i];
                ulong size = table.Size;
                if (offset > size || (ulong)items.Length > size - offset) throw new TrapException(TrapCode.TableOutOfBounds);
                items.CopyTo(table.Elements[(int)offset..]);
            }
            inst.ElementSegments[i] = [];
        }
    }

    static void ApplyData(Instance inst)
    {
        WasmModule m = inst.Module.Wasm;
        for (int i = 0; i < m.Data.Count; i++)
        {
            DataSegment seg = m.Data[i];
            if (seg.Mode != SegmentMode.Active) continue;
            Memory memory = inst.Memories[seg.MemoryIndex];
            ulong offset = ConstExprEvaluator.Evaluate(inst, seg.Offset!.Value).Lo;
            ReadOnlySpan<byte> bytes = seg.Bytes.Span;
            ulong size = memory.Length;
            if (offset > size || (ulong)bytes.Length > size - offset) throw new TrapException(TrapCode.MemoryOutOfBounds);
            bytes.CopyTo(new Span<byte>((void*)(memory.Base + (nint)offset), bytes.Length));
            inst.DataSegments[i] = ReadOnlyMemory<byte>.Empty;
        }
    }
}
