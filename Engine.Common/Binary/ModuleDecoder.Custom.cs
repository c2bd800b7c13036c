namespace Hoist.Wasm.Binary;

/// <summary>
/// Custom sections: kept raw, with the id of the known section they followed. The "name"
/// section is also parsed into <see cref="WasmModule.Names"/> when it is well-formed; a
/// malformed one is only kept raw (custom sections never make a module malformed beyond their
/// own name and size).
/// </summary>
public sealed partial class ModuleDecoder
{
    void ReadCustomSection(int start, int size)
    {
        var span = _bytes.Span;
        // Like the reference, the name is read against the module; it must then fit the section.
        var r = new WasmReader(span[start..], start);
        string name = r.ReadName();
        if (r.Position > size) throw Error(WasmReader.UnexpectedEnd, start + size);
        // A length may exceed what is left by its own LEB bytes (the reference's bound); then the payload is cut short.
        if (start + size > span.Length) throw Error(WasmReader.UnexpectedEnd, span.Length);
        var data = Slice(r.Offset, size - r.Position);
        _module.CustomSections.Add(new CustomSection(name, data, _lastKnownId));
        if (name == "name" && _module.Names is null) _module.Names = NameSectionReader.TryRead(data.Span, r.Offset);
    }
}
