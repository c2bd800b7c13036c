namespace Hoist.Optimizing.Ir;

// References to the entities of one Function: dense indices into its tables, wrapped so they cannot
// be mixed up. `default` is index 0, a valid entity; "none" is index -1 (`None`, `IsValid`).

/// <summary>An SSA value: an instruction result, a block parameter, or an alias of another value.</summary>
public readonly record struct Value(int Index)
{
    public static readonly Value None = new(-1);
    public bool IsValid => Index >= 0;
    public override string ToString() => IsValid ? "v" + Index : "v?";
}

/// <summary>An instruction.</summary>
public readonly record struct Inst(int Index)
{
    public static readonly Inst None = new(-1);
    public bool IsValid => Index >= 0;
    public override string ToString() => IsValid ? "inst" + Index : "inst?";
}

/// <summary>A basic block (with parameters).</summary>
public readonly record struct Block(int Index)
{
    public static readonly Block None = new(-1);
    public bool IsValid => Index >= 0;
    public override string ToString() => IsValid ? "block" + Index : "block?";
}

/// <summary>A call signature declared in the function (<c>sigN</c>).</summary>
public readonly record struct SigRef(int Index)
{
    public override string ToString() => "sig" + Index;
}

/// <summary>A callee declared in the function (<c>fnN</c>).</summary>
public readonly record struct FuncRef(int Index)
{
    public override string ToString() => "fn" + Index;
}
