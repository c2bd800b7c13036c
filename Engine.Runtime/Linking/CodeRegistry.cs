namespace Hoist.Runtime.Linking;

/// <summary>
/// Every mapped module code range in the process, for mapping a pc (a trap site or a return address) to
/// its module and function. Ranges never overlap (they are distinct mappings). Registration and lookup
/// take a lock: lookups happen only when a trap is reported.
/// </summary>
internal static class CodeRegistry
{
    static readonly object s_gate = new();
    static readonly List<ModuleCode> s_codes = [];   // sorted by Base

    public static void Register(ModuleCode code)
    {
        lock (s_gate)
        {
            int i = IndexAfter(code.Base);
            s_codes.Insert(i, code);
        }
    }

    public static void Unregister(ModuleCode code)
    {
        lock (s_gate) s_codes.Remove(code);
    }

    public static ModuleCode? Find(nint pc)
    {
        lock (s_gate)
        {
            int i = IndexAfter(pc) - 1;
            return i >= 0 && s_codes[i].Contains(pc) ? s_codes[i] : null;
        }
    }

    // The index of the first range starting above pc.
    static int IndexAfter(nint pc)
    {
        int lo = 0, hi = s_codes.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (s_codes[mid].Base <= pc) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
