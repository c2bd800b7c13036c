namespace Hoist.Wasm.Binary;

/// <summary>
/// Parses the contents of the "name" custom section: the module name (subsection 0), function
/// names (1) and local names (2). Other subsections are skipped. The section is advisory: any
/// malformation yields null instead of an error, and the caller keeps the section's bytes.
/// </summary>
public static class NameSectionReader
{
    const byte ModuleSubsection = 0, FunctionSubsection = 1, LocalSubsection = 2;

    /// <param name="data">The section's contents after its name.</param>
    /// <param name="baseOffset">The module offset of <paramref name="data"/>[0].</param>
    public static NameSection? TryRead(ReadOnlySpan<byte> data, int baseOffset)
    {
        try
        {
            return Read(data, baseOffset);
        }
        catch (WasmException)
        {
            return null;
        }
    }

    static NameSection Read(ReadOnlySpan<byte> data, int baseOffset)
    {
        var names = new NameSection();
        var r = new WasmReader(data, baseOffset);
        int lastId = -1;
        while (!r.IsAtEnd)
        {
            byte id = r.ReadByte();
            // Subsections appear at most once each, in increasing id order.
            if (id <= lastId) throw r.Error("out-of-order name subsection");
            lastId = id;
            int length = r.ReadLength();
            int subAt = r.Offset;
            var sub = new WasmReader(r.ReadBytes(length), subAt);
            switch (id)
            {
                case ModuleSubsection:
                    names.ModuleName = sub.ReadName();
                    break;
                case FunctionSubsection:
                    ReadNameMap(ref sub, names.FunctionNames);
                    break;
                case LocalSubsection:
                {
                    int n = sub.ReadLength();
                    for (int i = 0; i < n; i++)
                    {
                        uint func = sub.ReadU32();
                        var map = new Dictionary<uint, string>();
                        ReadNameMap(ref sub, map);
                        if (!names.LocalNames.TryAdd(func, map)) throw sub.Error("duplicate function in local names");
                    }
                    break;
                }
                default:
                    continue;   // a subsection Hoist does not use
            }
            if (!sub.IsAtEnd) throw sub.Error("name subsection size mismatch");
        }
        return names;
    }

    static void ReadNameMap(ref WasmReader r, Dictionary<uint, string> map)
    {
        int n = r.ReadLength();
        for (int i = 0; i < n; i++)
        {
            uint index = r.ReadU32();
            string name = r.ReadName();
            if (!map.TryAdd(index, name)) throw r.Error("duplicate index in name map");
        }
    }
}
