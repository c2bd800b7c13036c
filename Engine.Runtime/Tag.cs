using Hoist.Wasm;

namespace Hoist.Runtime;

/// <summary>
/// An exception tag. Its identity is a native block of its own (what a VMContext's tag entries point to),
/// so two tags are the same tag exactly when they have the same block. Throwing and catching are not
/// implemented yet (exceptions are outside this runtime's scope for now); tags can be defined, exported,
/// imported and matched.
/// </summary>
public sealed class Tag : Extern
{
    /// <summary>A tag created by the host, for exceptions carrying values of <paramref name="type"/>'s parameters (no results).</summary>
    public Tag(Store store, FuncType type) : this(store, store.Engine.CanonicalFuncType(type), store.AllocateNative(16))
    {
        if (type.Results.Length != 0) throw new ArgumentException("a tag's type has no results", nameof(type));
    }

    internal Tag(Store store, int typeId, nint identity) : base(store)
    {
        TypeId = typeId;
        Identity = identity;
    }

    public override ExternKind Kind => ExternKind.Tag;

    /// <summary>The canonical function type of the tag's payload.</summary>
    public FuncType Type => Store.Engine.FuncTypeOf(TypeId);

    internal int TypeId { get; }

    /// <summary>The native block identifying the tag.</summary>
    internal nint Identity { get; }

    public override string ToString() => $"tag {Type}";
}
