namespace Hoist.Optimizing.Ir;

/// <summary>A calling convention: Hoist's wasm convention (<see cref="Vm.Abi"/>) or the platform C ABI builtins use.</summary>
public enum CallConv : byte { Wasm, SystemV }

/// <summary>
/// Parameter and result types of a function or call. For both conventions the first parameter is
/// the VMContext pointer (i64): the callee's for a wasm call (r14), the caller's for a builtin.
/// Text form: <c>wasm (i64, i32) -> i32, i64</c>.
/// </summary>
public sealed class Signature(CallConv conv, IrType[] parameters, IrType[] results) : IEquatable<Signature>
{
    public CallConv Conv { get; } = conv;
    public IrType[] Params { get; } = parameters;
    public IrType[] Results { get; } = results;

    public bool Equals(Signature? other) =>
        other is not null && Conv == other.Conv && Params.AsSpan().SequenceEqual(other.Params) && Results.AsSpan().SequenceEqual(other.Results);

    public override bool Equals(object? obj) => Equals(obj as Signature);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(Conv);
        foreach (var p in Params) h.Add(p);
        h.Add(-1);
        foreach (var r in Results) h.Add(r);
        return h.ToHashCode();
    }

    public static string ConvName(CallConv c) => c == CallConv.Wasm ? "wasm" : "sysv";

    public override string ToString()
    {
        string ps = string.Join(", ", Params.Select(p => p.Name()));
        string s = $"{ConvName(Conv)} ({ps})";
        return Results.Length == 0 ? s : s + " -> " + string.Join(", ", Results.Select(r => r.Name()));
    }
}

/// <summary>A callee a function declares (<c>fnN = func 3 sig0</c>): a wasm function of the same module, called directly.</summary>
public readonly record struct ExtFunc(uint WasmFunction, SigRef Sig);
