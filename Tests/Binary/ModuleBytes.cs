using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Tests.Binary;

/// <summary>Builds binary modules by hand for tests: the header, then sections of raw contents.</summary>
sealed class ModuleBytes
{
    readonly WasmWriter _w = new();

    public ModuleBytes() => _w.Bytes([0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00]);

    /// <summary>Appends a section whose contents <paramref name="write"/> produces.</summary>
    public ModuleBytes Section(SectionId id, Action<WasmWriter> write)
    {
        var content = new WasmWriter();
        write(content);
        _w.Byte((byte)id);
        _w.Vector(content.WrittenSpan);
        return this;
    }

    /// <summary>Appends a section given as its raw content bytes.</summary>
    public ModuleBytes Section(SectionId id, params byte[] content) => Section(id, w => w.Bytes(content));

    public ModuleBytes Custom(string name, params byte[] data) => Section(SectionId.Custom, w => { w.Name(name); w.Bytes(data); });

    /// <summary>Appends bytes as they are (for malformed section headers).</summary>
    public ModuleBytes Raw(params byte[] bytes) { _w.Bytes(bytes); return this; }

    public int Length => _w.Length;
    public byte[] ToArray() => _w.ToArray();

    public static byte[] Hex(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    /// <summary>Decodes and expects a malformed-module error; returns it.</summary>
    public static MalformedException Malformed(byte[] bytes, DecoderOptions? options = null)
    {
        try { ModuleDecoder.Decode(bytes, options ?? DecoderOptions.Default); }
        catch (MalformedException e) { return e; }
        throw new Xunit.Sdk.XunitException("expected a MalformedException");
    }
}
