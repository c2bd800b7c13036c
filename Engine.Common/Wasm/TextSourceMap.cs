namespace Hoist.Wasm;

/// <summary>
/// Where the instructions of a module parsed from text came from: for each defined function, the
/// offsets in its encoded body at which an instruction starts, with the 1-based line and column of
/// the text that produced it. Lets an error found in the binary form (by the validator or a compiler)
/// be reported at <c>FILE:LINE:COL</c>. Entries of a function are in increasing offset order.
/// </summary>
public sealed class TextSourceMap(string? file)
{
    readonly List<int[]> _functions = new();

    public string? File { get; } = file;

    /// <summary>Adds the next defined function's entries: (offset, line, column) triples, offsets increasing.</summary>
    public void AddFunction(int[] triples) => _functions.Add(triples);

    /// <summary>The text position of the instruction at <paramref name="codeOffset"/> of a defined function's body, if known.</summary>
    public SourceLocation? Locate(int definedFunction, int codeOffset)
    {
        if ((uint)definedFunction >= (uint)_functions.Count) return null;
        int[] t = _functions[definedFunction];
        int lo = 0, hi = t.Length / 3 - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (t[mid * 3] <= codeOffset) { found = mid; lo = mid + 1; }
            else hi = mid - 1;
        }
        return found < 0 ? null : SourceLocation.AtLine(t[found * 3 + 1], t[found * 3 + 2], File);
    }
}
