namespace Hoist.Wasm.Binary;

/// <summary>
/// The sections that declare entities: imports, functions, tables, memories, tags, globals,
/// exports; and the limits, table, memory, global and tag types they use.
/// </summary>
public sealed partial class ModuleDecoder
{
    const byte LimitsHasMax = 0x01, LimitsShared = 0x02, Limits64 = 0x04, LimitsPageSize = 0x08;

    void ReadImportSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++)
        {
            string module = r.ReadName();
            string name = r.ReadName();
            int at = r.Offset;
            ImportDesc desc = r.ReadByte() switch
            {
                0 => ImportDesc.ForFunc(r.ReadU32()),
                1 => ImportDesc.ForTable(ReadTableType(ref r)),
                2 => ImportDesc.ForMemory(ReadMemoryType(ref r)),
                3 => ImportDesc.ForGlobal(ReadGlobalType(ref r)),
                4 => ImportDesc.ForTag(ReadTagType(ref r)),
                _ => throw Error("malformed import kind", at),
            };
            _module.Imports.Add(new Import(module, name, desc));
        }
    }

    void ReadFunctionSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        _module.Functions.Capacity = count;
        for (int i = 0; i < count; i++) _module.Functions.Add(r.ReadU32());
    }

    /// <summary>A table is a table type, or 0x40 0x00, a table type and an initialiser expression.</summary>
    void ReadTableSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++)
        {
            if (r.PeekByte() == 0x40)
            {
                r.ReadByte();
                r.Expect(0x00, "zero byte expected");
                var type = ReadTableType(ref r);
                _module.Tables.Add(new TableDef(type, ReadConstExpr(ref r)));
            }
            else
            {
                _module.Tables.Add(new TableDef(ReadTableType(ref r), null));
            }
        }
    }

    void ReadMemorySection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++) _module.Memories.Add(ReadMemoryType(ref r));
    }

    void ReadTagSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++) _module.Tags.Add(ReadTagType(ref r));
    }

    void ReadGlobalSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++)
        {
            var type = ReadGlobalType(ref r);
            _module.Globals.Add(new GlobalDef(type, ReadConstExpr(ref r)));
        }
    }

    void ReadExportSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++)
        {
            string name = r.ReadName();
            int at = r.Offset;
            byte kind = r.ReadByte();
            if (kind > (byte)ExternKind.Tag) throw Error("malformed export kind", at);
            _module.Exports.Add(new Export(name, (ExternKind)kind, r.ReadU32()));
        }
    }

    // ---- Entity types

    TableType ReadTableType(ref WasmReader r)
    {
        var element = r.ReadRefType();
        // Tables take the same limits as memories but cannot be shared (Wasm 3.0).
        return new TableType(element, ReadLimits(ref r, LimitsHasMax | Limits64));
    }

    MemoryType ReadMemoryType(ref WasmReader r)
    {
        byte allowed = LimitsHasMax | LimitsShared | Limits64;
        if (_options.CustomPageSizes) allowed |= LimitsPageSize;
        return new MemoryType(ReadLimits(ref r, allowed));
    }

    /// <summary>Limits: a flags byte (bit 0 max present, bit 1 shared, bit 2 64-bit, bit 3 page size), u64 min, u64 max.</summary>
    static Limits ReadLimits(ref WasmReader r, byte allowedFlags)
    {
        int at = r.Offset;
        byte flags = r.ReadByte();
        if ((flags & ~allowedFlags) != 0) throw WasmReader.Error("malformed limits flags", at);
        ulong min = r.ReadU64();
        ulong? max = (flags & LimitsHasMax) != 0 ? r.ReadU64() : null;
        int pageSizeLog2 = 16;
        if ((flags & LimitsPageSize) != 0)
        {
            int pat = r.Offset;
            uint log2 = r.ReadU32();
            // Exponents 0..63 are well-formed; which of them are valid is the validator's question.
            if (log2 >= 64) throw WasmReader.Error("invalid custom page size", pat);
            pageSizeLog2 = (int)log2;
        }
        return new Limits(min, max, (flags & Limits64) != 0, (flags & LimitsShared) != 0, pageSizeLog2);
    }

    static GlobalType ReadGlobalType(ref WasmReader r)
    {
        var type = r.ReadValType();
        return new GlobalType(type, ReadMutability(ref r));
    }

    /// <summary>A tag type: the attribute byte (0, exception; nothing else is defined) and a type index.</summary>
    static TagType ReadTagType(ref WasmReader r)
    {
        r.Expect(0x00, "zero byte expected");
        return new TagType(r.ReadU32());
    }
}
