using Hoist.Wasm.Binary;

namespace Hoist.Wasm.Validation;

/// <summary>
/// Validates a <see cref="WasmModule"/>: the module-level rules (types, imports, tables, memories,
/// globals, tags, exports, start, element and data segments, every constant expression) with
/// <see cref="ValidateModule"/>, and additionally every function body with <see cref="Validate"/>.
/// Constant expressions go through <see cref="FuncValidator"/> in constant mode.
/// Which globals a constant expression may read: a table initialiser only imported ones, a global's
/// initialiser imported and earlier defined ones, segment offsets and element expressions all of
/// them; in every case only immutable globals.
/// The data count section is required by function bodies that name data segments; a module from
/// the text format must set <see cref="WasmModule.DataCount"/> (to the number of data segments) as
/// the binary encoding of such a module would.
/// Errors: <see cref="ValidationException"/> at the offset of the offending operator or constant
/// expression where the model has one (-1 for entries without offsets).
/// </summary>
public static class ModuleValidator
{
    /// <summary>Validates the module and every function body; returns the context compilers use.</summary>
    public static ModuleContext Validate(WasmModule module, ValidationOptions? options = null)
    {
        options ??= ValidationOptions.Default;
        ModuleContext ctx = ValidateModule(module, options);
        ValidateFunctions(ctx, options);
        return ctx;
    }

    /// <summary>Validates everything but the function bodies (which a compiler may validate as it compiles them).</summary>
    public static ModuleContext ValidateModule(WasmModule module, ValidationOptions? options = null)
    {
        options ??= ValidationOptions.Default;
        var types = ModuleTypes.Build(module, options.Registry ?? new TypeRegistry(), options.Features);
        module.InvalidateIndexSpaces();
        if (module.Code.Count != module.Functions.Count)
            ValidationError.Malformed(-1, "function and code section have inconsistent lengths");
        var ctx = new ModuleContext(module, types);
        new Checker(ctx).Run();
        return ctx;
    }

    /// <summary>Validates the body of defined function <paramref name="definedIndex"/> (0 = the first non-imported one).</summary>
    public static void ValidateFunction(ModuleContext ctx, int definedIndex, FuncValidator validator, OperatorBuffers? buffers = null)
    {
        FunctionBody body = ctx.Module.Code[definedIndex];
        validator.Begin((uint)(ctx.ImportedFunctionCount + definedIndex), body);
        var reader = OperatorReader.ForBody(body.Code.Span, Math.Max(body.BodyOffset, 0), buffers);
        var op = default(Operator);
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            validator.Validate(op);
        }
        validator.Finish(reader.Offset);
    }

    /// <summary>Validates a constant expression of type <paramref name="type"/> that may read the first <paramref name="visibleGlobals"/> globals.</summary>
    public static void ValidateConstExpr(FuncValidator validator, ConstExpr expr, ValType type, int visibleGlobals, OperatorBuffers? buffers = null)
    {
        validator.BeginConstExpr(type, visibleGlobals);
        var reader = OperatorReader.ForConstExpr(expr.Code.Span, Math.Max(expr.Offset, 0), buffers);
        var op = default(Operator);
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            validator.Validate(op);
        }
        validator.Finish(reader.Offset);
    }

    static void ValidateFunctions(ModuleContext ctx, ValidationOptions options)
    {
        var code = ctx.Module.Code;
        long bytes = 0;
        foreach (var body in code) bytes += body.Code.Length;
        if (options.ParallelThresholdBytes <= 0 || bytes < options.ParallelThresholdBytes || Environment.ProcessorCount < 2 || code.Count < 2)
        {
            var validator = new FuncValidator(ctx);
            var buffers = new OperatorBuffers();
            for (int i = 0; i < code.Count; i++) ValidateFunction(ctx, i, validator, buffers);
            return;
        }
        ValidateFunctionsInParallel(ctx);
    }

    /// <summary>
    /// Bodies on all cores, one validator per worker. The error reported is that of the lowest
    /// failing function, as a sequential pass would report: <see cref="ParallelLoopState.Break"/>
    /// lets every lower index finish.
    /// </summary>
    static void ValidateFunctionsInParallel(ModuleContext ctx)
    {
        int failedIndex = int.MaxValue;
        WasmException? failure = null;
        var gate = new object();
        Parallel.For(0, ctx.Module.Code.Count,
            () => (new FuncValidator(ctx), new OperatorBuffers()),
            (i, state, local) =>
            {
                try { ValidateFunction(ctx, i, local.Item1, local.Item2); }
                catch (WasmException e)
                {
                    lock (gate)
                    {
                        if (i < failedIndex) { failedIndex = i; failure = e; }
                    }
                    state.Break();
                }
                return local;
            },
            _ => { });
        if (failure is not null) throw failure;
    }

    /// <summary>The module-level rules, in the order the spec's reference interpreter checks them.</summary>
    sealed class Checker(ModuleContext ctx)
    {
        readonly WasmModule _m = ctx.Module;
        readonly ModuleTypes _types = ctx.Types;
        readonly FuncValidator _const = new(ctx);
        readonly OperatorBuffers _buffers = new();

        public void Run()
        {
            foreach (var imp in _m.Imports) CheckImport(imp.Desc);
            foreach (uint t in _m.Functions) _types.FuncTypeAt(t, -1);
            // Exported and element-listed functions are declared before any body reads them; ref.func
            // in constant expressions declares its function while those are validated below.
            foreach (var ex in _m.Exports) if (ex.Kind == ExternKind.Func) ctx.Declare(ex.Index);
            foreach (var seg in _m.Elements)
                if (seg.FuncIndices is not null) foreach (uint f in seg.FuncIndices) ctx.Declare(f);

            int imported = ctx.ImportedGlobalCount, all = ctx.GlobalCount;
            for (int i = 0; i < _m.Globals.Count; i++)
            {
                GlobalDef g = _m.Globals[i];
                _types.CheckValType(g.Type.Type, g.Init.Offset);
                ConstExpr(g.Init, g.Type.Type, imported + i);
            }
            foreach (var t in _m.Tables)
            {
                CheckTableType(t.Type, t.Init?.Offset ?? -1);
                if (t.Init is ConstExpr init) ConstExpr(init, t.Type.Element, imported);
                else if (!t.Type.Element.Nullable)
                    ValidationError.Throw(-1, $"type mismatch: a table of non-nullable {TypeText.Of(t.Type.Element)} needs an initialiser");
            }
            foreach (var mem in _m.Memories) CheckMemoryType(mem);
            foreach (var tag in _m.Tags) CheckTag(tag.TypeIndex);
            foreach (var seg in _m.Elements) CheckElements(seg, all);
            foreach (var seg in _m.Data) CheckData(seg, all);
            if (_m.Start is uint start) CheckStart(start);
            CheckExports();
        }

        void ConstExpr(ConstExpr e, ValType type, int visibleGlobals) =>
            ValidateConstExpr(_const, e, type, visibleGlobals, _buffers);

        void CheckImport(ImportDesc d)
        {
            switch (d.Kind)
            {
                case ExternKind.Func: _types.FuncTypeAt(d.TypeIndex, -1); break;
                case ExternKind.Table: CheckTableType(d.Table, -1); break;
                case ExternKind.Memory: CheckMemoryType(d.Memory); break;
                case ExternKind.Global: _types.CheckValType(d.Global.Type, -1); break;
                case ExternKind.Tag: CheckTag(d.TypeIndex); break;
            }
        }

        void CheckTableType(TableType t, long at)
        {
            if (!t.Element.IsRef) ValidationError.Malformed(at, "malformed reference type");
            _types.CheckValType(t.Element, at);
            CheckLimits(t.Limits, t.Limits.Is64 ? ulong.MaxValue : uint.MaxValue,
                t.Limits.Is64 ? "table size must be at most 2^64-1" : "table size must be at most 2^32-1", at);
        }

        void CheckMemoryType(MemoryType m)
        {
            Limits l = m.Limits;
            if (l.PageSizeLog2 is not (0 or 16)) ValidationError.Throw(-1, "invalid custom page size");
            // 2^(address bits - page size bits) pages address the whole space, as far as the limits'
            // own range (u32 for i32 memories) can say it: 1-byte pages stop at 2^32-1.
            int bits = (l.Is64 ? 64 : 32) - l.PageSizeLog2;
            ulong maxPages = bits >= 64 ? ulong.MaxValue : Math.Min(1UL << bits, l.Is64 ? ulong.MaxValue : uint.MaxValue);
            string message = !l.Is64 && l.PageSizeLog2 == 16
                ? "memory size must be at most 65536 pages (4GiB)"
                : $"memory size must be at most {maxPages} pages";
            CheckLimits(l, maxPages, message, -1);
            if (l.Shared)
            {
                if (!ctx.Features.Has(Feature.Threads)) ValidationError.Throw(-1, "shared memories require the threads feature, which is not enabled");
                if (l.Max is null) ValidationError.Throw(-1, "shared memory must have maximum");
            }
        }

        static void CheckLimits(Limits l, ulong bound, string message, long at)
        {
            if (l.Min > bound) ValidationError.Throw(at, message);
            if (l.Max is ulong max)
            {
                if (max > bound) ValidationError.Throw(at, message);
                if (l.Min > max) ValidationError.Throw(at, "size minimum must not be greater than maximum");
            }
        }

        void CheckTag(uint typeIndex)
        {
            if (!ctx.Features.Has(Feature.Exceptions) && !ctx.Features.Has(Feature.Legacyexceptions))
                ValidationError.Throw(-1, "tags require the exceptions feature, which is not enabled");
            if (_types.FuncTypeAt(typeIndex, -1).Results.Length != 0) ValidationError.Throw(-1, "non-empty tag result type");
        }

        void CheckElements(ElementSegment seg, int globals)
        {
            ValType type = seg.Type;
            if (!type.IsRef) ValidationError.Malformed(-1, "malformed reference type");
            _types.CheckValType(type, -1);
            if (seg.FuncIndices is uint[] funcs)
            {
                foreach (uint f in funcs)
                {
                    if (f >= (uint)ctx.FunctionCount) ValidationError.Unknown(-1, "function", f);
                    var item = ValType.Ref(HeapType.Concrete(ctx.FunctionTypeIndex(f)), nullable: false);
                    if (!_types.IsSubtype(item, type))
                        ValidationError.Throw(-1, $"type mismatch: function {f} is not a {TypeText.Of(type)}");
                }
            }
            else if (seg.Exprs is ConstExpr[] exprs)
            {
                foreach (var e in exprs) ConstExpr(e, type, globals);
            }
            if (seg.Mode != SegmentMode.Active) return;
            long at = seg.Offset?.Offset ?? -1;
            if (seg.TableIndex >= (uint)ctx.Tables.Length) ValidationError.Unknown(at, "table", seg.TableIndex);
            TableType table = ctx.Tables[seg.TableIndex];
            if (!_types.IsSubtype(type, table.Element))
                ValidationError.Throw(at, $"type mismatch: element segment's type {TypeText.Of(type)} does not match table's element type {TypeText.Of(table.Element)}");
            if (seg.Offset is not ConstExpr offset) { ValidationError.Malformed(at, "active element segment without offset"); return; }
            ConstExpr(offset, table.Limits.AddressType, globals);
        }

        void CheckData(DataSegment seg, int globals)
        {
            if (seg.Mode != SegmentMode.Active) return;
            long at = seg.Offset?.Offset ?? -1;
            if (seg.MemoryIndex >= (uint)ctx.Memories.Length) ValidationError.Unknown(at, "memory", seg.MemoryIndex);
            if (seg.Offset is not ConstExpr offset) { ValidationError.Malformed(at, "active data segment without offset"); return; }
            ConstExpr(offset, ctx.Memories[seg.MemoryIndex].Limits.AddressType, globals);
        }

        void CheckStart(uint start)
        {
            if (start >= (uint)ctx.FunctionCount) ValidationError.Unknown(-1, "function", start);
            FuncType t = ctx.FunctionType(start);
            if (t.Params.Length != 0 || t.Results.Length != 0)
                ValidationError.Throw(-1, "start function must not have parameters or results");
        }

        void CheckExports()
        {
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var ex in _m.Exports)
            {
                (int count, string space) = ex.Kind switch
                {
                    ExternKind.Func => (ctx.FunctionCount, "function"),
                    ExternKind.Table => (ctx.Tables.Length, "table"),
                    ExternKind.Memory => (ctx.Memories.Length, "memory"),
                    ExternKind.Global => (ctx.GlobalCount, "global"),
                    _ => (ctx.TagTypes.Length, "tag"),
                };
                if (ex.Index >= (uint)count) ValidationError.Unknown(-1, space, ex.Index);
                if (!names.Add(ex.Name)) ValidationError.Throw(-1, $"duplicate export name \"{ex.Name}\"");
            }
        }
    }
}
