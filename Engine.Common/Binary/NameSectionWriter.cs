namespace Hoist.Wasm.Binary;

/// <summary>
/// Writes a <see cref="NameSection"/> as the contents of a "name" custom section (after its
/// name): subsections 0 (module), 1 (functions) and 2 (locals), each present only when it has
/// something, with name maps sorted by index as the format requires.
/// </summary>
public static class NameSectionWriter
{
    public static void Write(WasmWriter w, NameSection names)
    {
        var sub = new WasmWriter();
        if (names.ModuleName is not null)
        {
            sub.Name(names.ModuleName);
            Subsection(w, 0, sub);
        }
        if (names.FunctionNames.Count > 0)
        {
            WriteNameMap(sub, names.FunctionNames);
            Subsection(w, 1, sub);
        }
        if (names.LocalNames.Count > 0)
        {
            sub.U32((uint)names.LocalNames.Count);
            foreach (var func in names.LocalNames.Keys.Order())
            {
                sub.U32(func);
                WriteNameMap(sub, names.LocalNames[func]);
            }
            Subsection(w, 2, sub);
        }
    }

    static void Subsection(WasmWriter w, byte id, WasmWriter contents)
    {
        w.Byte(id);
        w.Vector(contents.WrittenSpan);
        contents.Clear();
    }

    static void WriteNameMap(WasmWriter w, Dictionary<uint, string> map)
    {
        w.U32((uint)map.Count);
        foreach (var index in map.Keys.Order())
        {
            w.U32(index);
            w.Name(map[index]);
        }
    }
}
