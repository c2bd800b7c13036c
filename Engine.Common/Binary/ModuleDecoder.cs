namespace Hoist.Wasm.Binary;

/// <summary>
/// Decodes a binary module into a <see cref="WasmModule"/>. Checks what the binary format makes
/// malformed, nothing that validation decides (index bounds, typing, constness, the data count
/// requirement of memory.init/data.drop).
/// <para>
/// Invariants: every error is a <see cref="MalformedException"/> located at an absolute offset,
/// in the spec reference interpreter's words. Function bodies, constant expressions, data
/// bytes and custom section contents are slices of the input (no copies); bodies are not
/// decoded past their locals (the validator streams them with <see cref="OperatorReader"/>),
/// but each must end in 0x0B. Constant expressions are read operator by operator up to their
/// final <c>end</c>.
/// </para>
/// <para>
/// Like the reference interpreter, a section's contents are read against the end of the module,
/// not the end of the section, and the section's size is checked afterwards ("section size
/// mismatch"); lengths larger than the rest of the module are "length out of bounds". This is
/// what gives the spec tests' messages for sections whose counts disagree with their contents.
/// </para>
/// </summary>
public sealed partial class ModuleDecoder
{
    readonly ReadOnlyMemory<byte> _bytes;
    readonly DecoderOptions _options;
    readonly WasmModule _module = new();
    readonly OperatorBuffers _buffers = new();
    /// <summary>The id of the last known section read (0 before any): custom sections record it.</summary>
    byte _lastKnownId;

    ModuleDecoder(ReadOnlyMemory<byte> bytes, DecoderOptions options)
    {
        _bytes = bytes;
        _options = options;
    }

    public static WasmModule Decode(ReadOnlyMemory<byte> bytes, string? file = null) =>
        Decode(bytes, DecoderOptions.Default, file);

    public static WasmModule Decode(ReadOnlyMemory<byte> bytes, DecoderOptions options, string? file = null)
    {
        try
        {
            var decoder = new ModuleDecoder(bytes, options);
            decoder.DecodeModule();
            return decoder._module;
        }
        catch (WasmException e)
        {
            e.WithFile(file);
            throw;
        }
    }

    static MalformedException Error(string message, int offset) => WasmReader.Error(message, offset);

    void DecodeModule()
    {
        var span = _bytes.Span;
        if (span.Length < 4) throw Error("unexpected end", span.Length);
        if (span[0] != 0x00 || span[1] != 0x61 || span[2] != 0x73 || span[3] != 0x6D) throw Error("magic header not detected", 0);
        if (span.Length < 8) throw Error("unexpected end", span.Length);
        if (span[4] != 1 || span[5] != 0 || span[6] != 0 || span[7] != 0) throw Error("unknown binary version", 4);

        var r = new WasmReader(span);
        r.Position = 8;
        int lastRank = 0;
        while (!r.IsAtEnd)
        {
            int idAt = r.Offset;
            byte id = r.ReadByte();
            int rank = SectionOrder.Rank(id);
            if (rank < 0) throw Error("malformed section id", idAt);
            if (r.IsAtEnd) throw Error("unexpected end", r.Offset);
            int size = r.ReadLength();
            int start = r.Position;
            if (id == (byte)SectionId.Custom)
            {
                ReadCustomSection(start, size);
                r.Position = start + size;
                continue;
            }
            if (rank <= lastRank) throw Error("unexpected content after last section", idAt);
            lastRank = rank;

            // The section reads against the rest of the module; its size is checked after.
            var s = new WasmReader(span[start..], start);
            ReadSection((SectionId)id, ref s);
            if (s.Position != size) throw Error("section size mismatch", start);
            r.Position = start + size;
            _lastKnownId = id;
        }

        if (_module.Functions.Count != _module.Code.Count)
            throw Error("function and code section have inconsistent lengths", span.Length);
        if (_module.DataCount is uint dc && dc != (uint)_module.Data.Count)
            throw Error("data count and data section have inconsistent lengths", span.Length);
    }

    void ReadSection(SectionId id, ref WasmReader r)
    {
        switch (id)
        {
            case SectionId.Type: ReadTypeSection(ref r); break;
            case SectionId.Import: ReadImportSection(ref r); break;
            case SectionId.Function: ReadFunctionSection(ref r); break;
            case SectionId.Table: ReadTableSection(ref r); break;
            case SectionId.Memory: ReadMemorySection(ref r); break;
            case SectionId.Tag: ReadTagSection(ref r); break;
            case SectionId.Global: ReadGlobalSection(ref r); break;
            case SectionId.Export: ReadExportSection(ref r); break;
            case SectionId.Start: _module.Start = r.ReadU32(); break;
            case SectionId.Element: ReadElementSection(ref r); break;
            case SectionId.DataCount: _module.DataCount = r.ReadU32(); break;
            case SectionId.Code: ReadCodeSection(ref r); break;
            case SectionId.Data: ReadDataSection(ref r); break;
        }
    }

    /// <summary>A slice of the module's bytes, by absolute offset.</summary>
    ReadOnlyMemory<byte> Slice(int offset, int length) => _bytes.Slice(offset, length);

    /// <summary>
    /// A constant expression at the reader's position: read operator by operator to its final
    /// <c>end</c> (so an unknown opcode is reported), kept as the bytes including that end.
    /// </summary>
    ConstExpr ReadConstExpr(ref WasmReader r)
    {
        int offset = r.Offset;
        var ops = OperatorReader.ForConstExpr(r.Data[r.Position..], offset, _buffers);
        var op = default(Operator);
        while (!ops.AtEnd) ops.Read(ref op);
        int length = ops.Position;
        r.Skip(length);
        return new ConstExpr(Slice(offset, length), offset);
    }
}
