using System.Text;

namespace Hoist.Wasm.Validation;

/// <summary>Types as the spec's error messages write them: <c>i32</c>, <c>(ref null 3)</c>, <c>[i32 f64]</c>; <c>bot</c> for the bottom type.</summary>
static class TypeText
{
    public static string Of(ValType t)
    {
        if (t.IsBottom()) return "bot";
        if (!t.IsRef) return t.ToString();
        string heap = t.Heap.IsBottom() ? "bot" : t.Heap.ToString();
        if (t.Nullable && t.Heap.IsAbstract && !t.Heap.IsBottom()) return heap + "ref";
        return t.Nullable ? $"(ref null {heap})" : $"(ref {heap})";
    }

    public static string Of(ReadOnlySpan<ValType> ts)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < ts.Length; i++)
        {
            if (i > 0) sb.Append(' ');
            sb.Append(Of(ts[i]));
        }
        return sb.Append(']').ToString();
    }
}
