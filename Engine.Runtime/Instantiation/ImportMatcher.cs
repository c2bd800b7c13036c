using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Runtime.Instantiation;

/// <summary>
/// The spec's import matching (extern subtyping) of a provided extern against a module's import, with the
/// engine's <see cref="TypeRegistry"/> for reference types: functions by canonical subtyping; tables with
/// equivalent element types; tables and memories by the same address type and limits (the provided
/// extern's current size must be at least the import's minimum, and if the import has a maximum the
/// provided one must have one no larger); memories with the same page size and sharing; globals with the
/// same mutability and a subtype (immutable) or an equivalent type (mutable); tags with equivalent types. A mismatch is a
/// <see cref="LinkException"/> "incompatible import type".
/// </summary>
internal static class ImportMatcher
{
    public static void Check(Module module, Import import, Extern provided)
    {
        string? why = Mismatch(module, import.Desc, provided);
        if (why is not null)
            throw new LinkException($"{LinkException.IncompatibleImportType}: {import.Module}::{import.Name}: {why}");
    }

    static string? Mismatch(Module module, ImportDesc d, Extern provided)
    {
        TypeRegistry registry = module.Engine.Types;
        ReadOnlySpan<int> canonical = module.CanonicalTypeIds;
        if (provided.Kind != d.Kind) return $"expected a {Name(d.Kind)}, got a {Name(provided.Kind)}";
        switch (provided)
        {
            case Func f:
                int expected = canonical[(int)d.TypeIndex];
                return f.TypeId == expected || registry.IsSubtype(f.TypeId, expected) ? null
                    : $"expected {registry[expected].Composite}, got {f.Type}";
            case Table t:
            {
                ValType element = TypeRegistry.ToCanonical(d.Table.Element, canonical);
                if (element != t.Type.Element) return $"expected elements of {element}, got {t.Type.Element}";
                return LimitsMismatch(d.Table.Limits, t.Type.Limits, t.Size);
            }
            case Memory m:
            {
                Limits want = d.Memory.Limits, have = m.Type.Limits;
                if (want.PageSizeLog2 != have.PageSizeLog2) return "the page sizes differ";
                if (want.Shared != have.Shared) return "one memory is shared, the other not";
                return LimitsMismatch(want, have, m.Size);
            }
            case Global g:
            {
                ValType want = TypeRegistry.ToCanonical(d.Global.Type, canonical);
                if (d.Global.Mutable != g.Type.Mutable) return d.Global.Mutable ? "expected a mutable global" : "expected an immutable global";
                bool ok = g.Type.Mutable ? want == g.Type.Type : registry.IsSubtype(g.Type.Type, want);
                return ok ? null : $"expected a global of {want}, got {g.Type.Type}";
            }
            case Tag tag:
                int tagType = canonical[(int)d.TypeIndex];
                return tag.TypeId == tagType ? null : $"expected a tag of {registry[tagType].Composite}, got {tag.Type}";
            default:
                return $"{Name(d.Kind)} imports are not supported";
        }
    }

    static string? LimitsMismatch(Limits want, Limits have, ulong currentSize)
    {
        if (want.Is64 != have.Is64) return "the address types differ";
        if (currentSize < want.Min) return $"expected at least {want.Min}, got {currentSize}";
        if (want.Max is ulong max && (have.Max is not ulong haveMax || haveMax > max))
            return $"expected a maximum of at most {max}, got {(have.Max is ulong h ? h.ToString(System.Globalization.CultureInfo.InvariantCulture) : "none")}";
        return null;
    }

    static string Name(ExternKind k) => k.ToString().ToLowerInvariant();
}
