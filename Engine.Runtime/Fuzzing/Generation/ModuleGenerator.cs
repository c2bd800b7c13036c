using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Makes a random valid module and the calls to make on it, in the manner of wasm-smith, deterministically from
/// a seed (the same seed and options give the same module on every machine). This class lays out the module —
/// types, memories, tables, globals, functions, segments, the start function, the call plan — and
/// <see cref="BodyGenerator"/> writes each function body.
/// </summary>
/// <remarks>
/// Invariants: every module validates (a module that does not is a generator bug, which the fuzzer counts);
/// every call ends (fuel, see <see cref="GModule"/>); memories and tables declare small maxima, so growing them
/// succeeds or fails the same way on every engine; a type used as a non-nullable reference has a function of
/// that type, so a value of it can always be made.
/// </remarks>
public sealed class ModuleGenerator
{
    readonly Random _r;
    GeneratorOptions _o;
    readonly GModule _m = new();

    ModuleGenerator(int seed, GeneratorOptions options)
    {
        _r = new Random(seed);
        _o = options;
    }

    public static GModule Generate(int seed, GeneratorOptions? options = null) =>
        new ModuleGenerator(seed, options ?? GeneratorOptions.Full).Build();

    GModule Build()
    {
        // A quarter of the modules are wide (many parameters, results and locals: stack arguments, return areas,
        // register pressure across calls), a quarter deep (long expressions, deep nesting: spills).
        _o = _r.Next(4) switch
        {
            0 => _o with { MaxParams = 3 * _o.MaxParams, MaxResults = 2 * _o.MaxResults, MaxLocals = 8 * _o.MaxLocals },
            1 => _o with { MaxExpressionDepth = 2 * _o.MaxExpressionDepth, MaxBlockNesting = 2 * _o.MaxBlockNesting, MaxBodySize = 3 * _o.MaxBodySize },
            _ => _o,
        };
        // Types with numbers only come first, functions of those types next, and only then types that
        // reference them, so every referenced type has a function (a value of a non-null reference exists).
        int baseTypes = 2 + _r.Next(Math.Max(1, _o.MaxTypes / 2));
        for (int i = 0; i < baseTypes; i++) AddType(allowRefs: false);
        int funcs = 1 + _r.Next(_o.MaxFunctions);
        for (int i = 0; i < funcs; i++)
        {
            int t = _r.Next(_m.Types.Count);
            _m.Funcs.Add(new GFunc(_m.Types[t], t));
        }
        int refTypes = _r.Next(Math.Max(1, _o.MaxTypes - baseTypes + 1));
        for (int i = 0; i < refTypes; i++)
        {
            int t = AddType(allowRefs: true);
            if (_r.Next(2) == 0) _m.Funcs.Add(new GFunc(_m.Types[t], t));
        }
        if (_r.Next(6) == 0)
        {
            int t = _m.TypeIndex([ValType.I64], [ValType.I64]);
            _m.Funcs.Add(new GFunc(_m.Types[t], t) { Kind = GFuncKind.Overflow });
        }

        // Half the modules trap rarely (most of their calls run to the end), half often (every kind of trap).
        _m.Careful = _r.Next(2) == 0;
        foreach (var (name, ps, rs) in HostImport.Catalog)
        {
            if (_r.Next(5) >= 2) continue;
            int t = _m.TypeIndex(ps, rs);
            _m.Imports.Add(new HostImport(name, t, _m.Types[t]));
        }
        AddMemories();
        AddTables();
        AddGlobals();
        AddElements();
        AddData();
        foreach (var f in _m.Funcs) new BodyGenerator(_r, _m, _o, f, _m.Careful).Generate();
        NanCanonicalizer.Apply(_m);
        var starts = _m.Funcs.Where(f => f.Kind == GFuncKind.Normal && f.Type.Params.Length == 0 && f.Type.Results.Length == 0).ToList();
        if (starts.Count > 0 && _r.Next(12) == 0) _m.Start = starts[_r.Next(starts.Count)];
        AddCalls();
        return _m;
    }

    // ---- Types

    int AddType(bool allowRefs)
    {
        int n = _r.Next(_o.MaxParams + 1);
        var ps = new ValType[n];
        for (int i = 0; i < n; i++) ps[i] = SignatureType(allowRefs);
        int results = _r.Next(10) switch { < 2 => 0, < 7 => 1, < 9 => 2, _ => _o.MaxResults };
        var rs = new ValType[Math.Min(results, _o.MaxResults)];
        for (int i = 0; i < rs.Length; i++) rs[i] = SignatureType(allowRefs);
        return _m.TypeIndex(ps, rs);
    }

    ValType SignatureType(bool allowRefs)
    {
        int k = _r.Next(allowRefs ? 12 : 10);
        return k switch
        {
            < 4 => ValType.I32,
            < 6 => ValType.I64,
            < 8 => ValType.F32,
            < 10 => ValType.F64,
            10 => _r.Next(3) == 0 ? ValType.ExternRef : ValType.FuncRef,
            _ => TypedFuncRef() ?? ValType.FuncRef,
        };
    }

    /// <summary>A typed reference to a type that some function has, or null when typed references are off.</summary>
    ValType? TypedFuncRef()
    {
        if (!_o.TypedFunctionReferences || _m.Funcs.Count == 0) return null;
        var f = _m.Funcs[_r.Next(_m.Funcs.Count)];
        return ValType.Ref(HeapType.Concrete((uint)f.TypeIndex), nullable: _r.Next(2) == 0);
    }

    // ---- Memories, tables, globals

    void AddMemories()
    {
        int count = _r.Next(10) switch { 0 => 0, < 8 => 1, _ => _o.MultiMemory ? 2 + _r.Next(2) : 1 };
        for (int i = 0; i < count; i++)
        {
            bool is64 = _o.Address64 && _r.Next(4) == 0;
            ulong min = (ulong)(_r.Next(8) switch { 0 => _m.Careful ? 1 : 0, < 6 => 1, _ => 2 });
            ulong max = min + (ulong)_r.Next(3);
            _m.Memories.Add(new GMemory(new MemoryType(new Limits(min, max, is64))));
        }
    }

    void AddTables()
    {
        int count = 1 + (_r.Next(3) == 0 ? 1 + _r.Next(2) : 0);
        for (int i = 0; i < count; i++)
        {
            ValType element = i == 0 ? ValType.FuncRef : _r.Next(3) switch
            {
                0 => ValType.ExternRef,
                1 when TypedFuncRef() is { } typed => typed with { Nullable = true },
                _ => ValType.FuncRef,
            };
            bool is64 = _o.Address64 && _r.Next(6) == 0;
            ulong min = (ulong)(1 + _r.Next(8));
            ulong max = min + (ulong)_r.Next(5);
            _m.Tables.Add(new GTable(new TableType(element, new Limits(min, max, is64))));
        }
    }

    void AddGlobals()
    {
        int count = _r.Next(7);
        int fuelAt = _r.Next(count + 1);
        for (int i = 0; i <= count; i++)
        {
            if (i == fuelAt)
            {
                _m.FuelGlobal = _m.Globals.Count;
                _m.Globals.Add(new GGlobal(new GlobalType(ValType.I32, true), new GConst(ValType.I32, GModule.FuelPerCall)));
                continue;
            }
            ValType t = _r.Next(8) switch
            {
                < 2 => ValType.I32, < 4 => ValType.I64, 4 => ValType.F32, 5 => ValType.F64,
                6 => ValType.FuncRef,
                _ => TypedFuncRef() is { } typed ? typed with { Nullable = true } : ValType.ExternRef,
            };
            bool mutable = _r.Next(4) != 0;
            _m.Globals.Add(new GGlobal(new GlobalType(t, mutable), GlobalInit(t)));
        }
    }

    /// <summary>A constant expression of type <paramref name="t"/> over the globals defined so far.</summary>
    GNode GlobalInit(ValType t)
    {
        if (t.IsRef)
        {
            var fitting = _m.Funcs.Where(f => f.Kind == GFuncKind.Normal && BodyGenerator.FuncFits(f, t)).ToList();
            if (fitting.Count > 0 && _r.Next(2) == 0)
            {
                var f = fitting[_r.Next(fitting.Count)];
                return new GOp(Opcode.RefFunc, [], [ValType.Ref(HeapType.Concrete((uint)f.TypeIndex), nullable: false)], new GImm { Target = f });
            }
            return new GOp(Opcode.RefNull, [], [t], new GImm { Heap = t.Heap });
        }
        // With the Wasm 3.0 constant expressions: an earlier immutable global of the same type, or arithmetic on integers.
        var earlier = Enumerable.Range(0, _m.Globals.Count).Where(i => !_m.Globals[i].Type.Mutable && _m.Globals[i].Type.Type == t).ToList();
        if (_o.ExtendedConst && earlier.Count > 0 && _r.Next(4) == 0)
            return new GOp(Opcode.GlobalGet, [], [t], new GImm { Index = earlier[_r.Next(earlier.Count)] });
        var leaf = new GConst(t, EdgeValues.Draw(_r, t, allowNanPayloads: _o.NanPayloadArguments));
        if (_o.ExtendedConst && t.Kind is ValKind.I32 or ValKind.I64 && _r.Next(4) == 0)
        {
            bool is32 = t.Kind == ValKind.I32;
            Opcode op = _r.Next(3) switch
            {
                0 => is32 ? Opcode.I32Add : Opcode.I64Add,
                1 => is32 ? Opcode.I32Sub : Opcode.I64Sub,
                _ => is32 ? Opcode.I32Mul : Opcode.I64Mul,
            };
            return new GOp(op, [leaf, new GConst(t, EdgeValues.Draw(_r, t))], [t]);
        }
        return leaf;
    }

    // ---- Segments

    void AddElements()
    {
        var callable = _m.Funcs.Where(f => f.Kind == GFuncKind.Normal).ToList();
        for (int ti = 0; ti < _m.Tables.Count; ti++)
        {
            var table = _m.Tables[ti].Type;
            if (table.Element.Heap == HeapType.Extern) continue;
            var fitting = callable.Where(f => BodyGenerator.FuncFits(f, table.Element)).ToList();
            int segments = _r.Next(3);
            for (int s = 0; s < segments; s++)
            {
                int min = (int)table.Limits.Min;
                var items = Items(fitting, 1 + _r.Next(min));
                // Mostly within the table; now and then one past its end, which traps at instantiation.
                int start = _r.Next(25) == 0 ? min - items.Count + 1 : _r.Next(min - items.Count + 1);
                _m.Elems.Add(new GElem(SegmentMode.Active, ti, new GConst(table.Limits.AddressType, (ulong)start), table.Element, items));
            }
        }
        // Passive segments for table.init, funcref (which every function reference table accepts only when it is funcref).
        int passive = _r.Next(3);
        for (int s = 0; s < passive; s++)
            _m.Elems.Add(new GElem(SegmentMode.Passive, 0, null, ValType.FuncRef, Items(callable, _r.Next(6))));
    }

    List<GFunc?> Items(List<GFunc> fitting, int count)
    {
        var items = new List<GFunc?>(count);
        for (int i = 0; i < count; i++)
            items.Add(fitting.Count == 0 || _r.Next(6) == 0 ? null : fitting[_r.Next(fitting.Count)]);
        return items;
    }

    void AddData()
    {
        for (int mi = 0; mi < _m.Memories.Count; mi++)
        {
            var limits = _m.Memories[mi].Type.Limits;
            ulong length = limits.Min * 65536;
            int segments = _r.Next(4);
            for (int s = 0; s < segments; s++)
            {
                byte[] bytes = DataBytes(_r.Next(48));
                if ((ulong)bytes.Length > length) bytes = [];
                ulong room = length - (ulong)bytes.Length;
                // Anywhere, or near the start where loads look; now and then one past the end (traps at instantiation).
                ulong start = _r.Next(3) == 0 ? Math.Min(room, (ulong)_r.Next(64)) : (ulong)_r.NextInt64((long)room + 1);
                if (_r.Next(40) == 0) start = room + 1;
                _m.Datas.Add(new GData(SegmentMode.Active, mi, new GConst(limits.AddressType, start), bytes));
            }
        }
        int passive = _m.Memories.Count == 0 ? 0 : _r.Next(3);
        for (int s = 0; s < passive; s++) _m.Datas.Add(new GData(SegmentMode.Passive, 0, null, DataBytes(_r.Next(40))));
    }

    /// <summary>Segment bytes: little-endian edge values of every type, so loads see interesting numbers.</summary>
    byte[] DataBytes(int approximateLength)
    {
        var bytes = new List<byte>(approximateLength + 8);
        while (bytes.Count < approximateLength)
        {
            ValType t = _r.Next(4) switch { 0 => ValType.I32, 1 => ValType.I64, 2 => ValType.F32, _ => ValType.F64 };
            ulong bits = EdgeValues.Draw(_r, t);
            int size = t.Kind is ValKind.I32 or ValKind.F32 ? 4 : 8;
            for (int i = 0; i < size; i++) bytes.Add((byte)(bits >> (8 * i)));
        }
        return [.. bytes];
    }

    // ---- The call plan

    void AddCalls()
    {
        var plan = new List<Invocation>();
        foreach (var f in _m.Funcs)
        {
            int times = f.Kind == GFuncKind.Overflow ? 1 : 1 + _r.Next(2);
            for (int i = 0; i < times; i++) plan.Add(new Invocation(f, f.Type.Params.Select(Argument).ToArray()));
        }
        // A random order (state carries over from call to call), at most MaxCalls.
        for (int i = plan.Count - 1; i > 0; i--)
        {
            int j = _r.Next(i + 1);
            (plan[i], plan[j]) = (plan[j], plan[i]);
        }
        _m.Calls.AddRange(plan.Take(_o.MaxCalls));
    }

    ArgValue Argument(ValType t)
    {
        if (t.IsNumeric) return new ArgValue(t, EdgeValues.Draw(_r, t, allowNanPayloads: _o.NanPayloadArguments));
        if (t.Heap == HeapType.Extern) return _r.Next(2) == 0 ? new ArgValue(t) : new ArgValue(t, ExternId: _r.Next(3));
        var fitting = Enumerable.Range(0, _m.Funcs.Count).Where(i => BodyGenerator.FuncFits(_m.Funcs[i], t)).ToList();
        if (fitting.Count == 0 || (t.Nullable && _r.Next(3) == 0)) return new ArgValue(t);
        return new ArgValue(t, FuncIndex: fitting[_r.Next(fitting.Count)]);
    }
}
