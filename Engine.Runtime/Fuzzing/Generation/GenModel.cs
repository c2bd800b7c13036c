using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// A generated module before encoding: the generator's output, the shrinker's input, and (through
/// <see cref="ModuleEmitter"/>) a <see cref="WasmModule"/>. Besides the module it holds the <see cref="Calls"/>
/// to make on it, so a test case is this object alone.
/// </summary>
/// <remarks>
/// Conventions every generated module follows (the runners rely on them):
/// <list type="bullet">
/// <item>Every function, memory, table and global is exported, as <c>f</c>N, <c>m</c>N, <c>t</c>N and <c>g</c>N by
/// index, so a runner can call any function and read back all final state, and a function reference maps back to
/// its index through the exports.</item>
/// <item>Global <see cref="FuelGlobal"/> (exported as <c>fuel</c>) is the run's fuel: a runner sets it to
/// <see cref="FuelPerCall"/> before every call, and every function entry and loop head spends one unit or traps.</item>
/// <item>Wherever code can see the bits of a float that may be an arithmetic NaN, it is canonicalised first
/// (<see cref="NanCanonicalizer"/>), so the whole run is deterministic and two correct engines agree bit for bit.</item>
/// </list>
/// </remarks>
public sealed class GModule
{
    public const string FuelExport = "fuel";
    public const int FuelPerCall = 300;

    public List<GType> Types { get; } = [];
    /// <summary>Imported host functions (<see cref="HostImport"/>): the first function indices, before <see cref="Funcs"/>.</summary>
    public List<HostImport> Imports { get; } = [];
    public List<GFunc> Funcs { get; } = [];
    public List<GMemory> Memories { get; } = [];
    public List<GTable> Tables { get; } = [];
    public List<GGlobal> Globals { get; } = [];
    public List<GElem> Elems { get; } = [];
    public List<GData> Datas { get; } = [];
    public GFunc? Start { get; set; }
    public int FuelGlobal { get; set; } = -1;
    /// <summary>Generated to trap rarely (see <see cref="BodyGenerator"/>).</summary>
    public bool Careful { get; set; }
    public List<Invocation> Calls { get; } = [];

    /// <summary>The index of a type with these parameters and results, added when there is none.</summary>
    public int TypeIndex(ValType[] parameters, ValType[] results)
    {
        for (int i = 0; i < Types.Count; i++)
            if (Types[i].Params.AsSpan().SequenceEqual(parameters) && Types[i].Results.AsSpan().SequenceEqual(results)) return i;
        Types.Add(new GType(parameters, results));
        return Types.Count - 1;
    }

    public static string FuncExport(int index) => "f" + index;
    public static string MemoryExport(int index) => "m" + index;
    public static string TableExport(int index) => "t" + index;
    public static string GlobalExport(int index) => "g" + index;

    /// <summary>A deep copy: functions, bodies, segments and calls; types are immutable and shared.</summary>
    public GModule Clone()
    {
        var map = new CloneMap();
        var copy = new GModule { FuelGlobal = FuelGlobal, Careful = Careful };
        copy.Types.AddRange(Types);
        copy.Imports.AddRange(Imports);
        foreach (var f in Funcs)
        {
            var g = new GFunc(f.Type, f.TypeIndex) { Kind = f.Kind, ScratchF32 = f.ScratchF32, ScratchF64 = f.ScratchF64 };
            g.Locals.AddRange(f.Locals);
            map.Add(f, g);
            copy.Funcs.Add(g);
        }
        for (int i = 0; i < Funcs.Count; i++) copy.Funcs[i].Body.AddRange(GOp.CloneList(Funcs[i].Body, map));
        copy.Memories.AddRange(Memories);
        copy.Tables.AddRange(Tables);
        foreach (var gl in Globals) copy.Globals.Add(gl with { Init = gl.Init.Clone(map) });
        foreach (var e in Elems)
            copy.Elems.Add(e with { Offset = e.Offset?.Clone(map), Items = e.Items.ConvertAll(it => (GFunc?)map.Resolve(it)) });
        foreach (var d in Datas) copy.Datas.Add(d with { Offset = d.Offset?.Clone(map) });
        copy.Start = (GFunc?)map.Resolve(Start);
        foreach (var c in Calls) copy.Calls.Add(c with { Func = (GFunc)map.Resolve(c.Func)! });
        return copy;
    }
}

/// <summary>
/// A host function a generated module may import (module <c>host</c>), defined the same way by every target (for
/// Hoist by <see cref="Call"/>, for V8 in <see cref="V8TargetScript"/>): integer and float arithmetic that every
/// engine computes alike, and references passed through, so calls cross the host boundary in both directions with
/// every kind of value. <see cref="TypeIndex"/> is its type in the module.
/// </summary>
/// <remarks>
/// A float result can be a NaN whose bits the host's language chooses; <see cref="NanCanonicalizer"/> treats call
/// results as possible arithmetic NaNs anyway, so that never shows.
/// </remarks>
public sealed record HostImport(string Name, int TypeIndex, GType Type)
{
    public const string Module = "host";

    /// <summary>The host functions there are.</summary>
    public static readonly (string Name, ValType[] Params, ValType[] Results)[] Catalog =
    [
        ("mix32", [ValType.I32, ValType.I32], [ValType.I32]),              // a·31 + b, wrapping
        ("mix64", [ValType.I64, ValType.I32], [ValType.I64]),              // a·31 + b, wrapping
        ("mixf64", [ValType.F64, ValType.F64], [ValType.F64]),             // a·0.5 + b
        ("sink", [ValType.I32], []),                                       // nothing
        ("same", [ValType.ExternRef], [ValType.ExternRef]),                // its argument
        ("pick", [ValType.FuncRef, ValType.I32], [ValType.FuncRef]),       // the function if the i32 is not 0, else null
    ];

    /// <summary>What the host function returns for these arguments (Hoist's implementation; the reference for all).</summary>
    public static Value[] Call(string name, Value[] a) => name switch
    {
        "mix32" => [Value.I32(unchecked(a[0].AsI32() * 31 + a[1].AsI32()))],
        "mix64" => [Value.I64(unchecked(a[0].AsI64() * 31 + a[1].AsI32()))],
        "mixf64" => [Value.F64(a[0].AsF64() * 0.5 + a[1].AsF64())],
        "same" => [a[0]],
        "pick" => [a[1].AsI32() != 0 ? a[0] : Value.Null(ValType.FuncRef)],
        _ => [],
    };
}

/// <summary>A function type (each in a rec group of its own, final: the MVP's structural types).</summary>
public sealed record GType(ValType[] Params, ValType[] Results)
{
    public FuncType ToFuncType() => new(Params, Results);
}

/// <summary>What a generated function is for.</summary>
public enum GFuncKind : byte
{
    /// <summary>An ordinary function with a fuel check at its entry.</summary>
    Normal,
    /// <summary>Recurses without end and has no side effect: it always exhausts the stack, at whatever depth.</summary>
    Overflow,
}

/// <summary>A defined function: its type, its locals after the parameters, and its body's statements.</summary>
public sealed class GFunc(GType type, int typeIndex)
{
    public GType Type { get; } = type;
    public int TypeIndex { get; } = typeIndex;
    public GFuncKind Kind { get; init; }
    /// <summary>Declared locals (the parameters come first in the local index space and are not listed here).</summary>
    public List<ValType> Locals { get; } = [];
    /// <summary>The body: statements, the last of which leave the function's results.</summary>
    public List<GNode> Body { get; } = [];

    /// <summary>The scratch locals of <see cref="GCanon"/> (-1 until <see cref="NanCanonicalizer"/> needs one); no other code reads them.</summary>
    public int ScratchF32 { get; set; } = -1;
    public int ScratchF64 { get; set; } = -1;

    public ValType LocalType(int index) => index < Type.Params.Length ? Type.Params[index] : Locals[index - Type.Params.Length];
    public int LocalCount => Type.Params.Length + Locals.Count;
}

public sealed record GMemory(MemoryType Type);

public sealed record GTable(TableType Type);

/// <summary>A global and its initialiser (a constant expression tree: constants, global.get, ref.null/ref.func, extended-const arithmetic).</summary>
public sealed record GGlobal(GlobalType Type, GNode Init);

/// <summary>An element segment of function references (null items are <c>ref.null</c>), active when it has an offset.</summary>
public sealed record GElem(SegmentMode Mode, int Table, GNode? Offset, ValType Type, List<GFunc?> Items);

/// <summary>A data segment, active (with memory and offset) or passive.</summary>
public sealed record GData(SegmentMode Mode, int Memory, GNode? Offset, byte[] Bytes);

/// <summary>One call of the plan: an exported function and its arguments.</summary>
public sealed record Invocation(GFunc Func, ArgValue[] Args);

/// <summary>
/// An argument a runner can give to an exported function on any engine: a number (raw bits), a null reference,
/// an exported function of the instance (by function index), or a host object (by a small id) for externref.
/// </summary>
public readonly record struct ArgValue(ValType Type, ulong Bits = 0, int FuncIndex = -1, int ExternId = -1)
{
    public bool IsNull => Type.IsRef && FuncIndex < 0 && ExternId < 0;
}
