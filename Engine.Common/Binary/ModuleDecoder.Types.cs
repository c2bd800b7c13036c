namespace Hoist.Wasm.Binary;

/// <summary>The type section: recursion groups of sub types of function, struct and array types.</summary>
public sealed partial class ModuleDecoder
{
    const byte RecGroupByte = 0x4E, SubByte = 0x50, SubFinalByte = 0x4F;
    const byte FuncByte = 0x60, StructByte = 0x5F, ArrayByte = 0x5E;

    void ReadTypeSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++)
        {
            if (r.PeekByte() == RecGroupByte)
            {
                r.ReadByte();
                int n = r.ReadLength();
                AddRecGroup(ref r, n, isExplicit: true);
            }
            else
            {
                AddRecGroup(ref r, 1, isExplicit: false);
            }
        }
    }

    void AddRecGroup(ref WasmReader r, int count, bool isExplicit)
    {
        int group = _module.RecGroups.Count;
        int start = _module.Types.Count;
        for (int i = 0; i < count; i++)
        {
            var sub = ReadSubType(ref r);
            sub.RecGroup = group;
            _module.Types.Add(sub);
        }
        _module.RecGroups.Add(new RecGroup(start, count, isExplicit));
    }

    SubType ReadSubType(ref WasmReader r)
    {
        byte b = r.PeekByte();
        if (b is SubByte or SubFinalByte)
        {
            r.ReadByte();
            int n = r.ReadLength();
            var supers = n == 0 ? [] : new uint[n];
            for (int i = 0; i < n; i++) supers[i] = r.ReadU32();
            return new SubType(b == SubFinalByte, supers, ReadCompositeType(ref r));
        }
        return new SubType(true, [], ReadCompositeType(ref r));
    }

    static CompositeType ReadCompositeType(ref WasmReader r)
    {
        int at = r.Offset;
        switch (r.ReadByte())
        {
            case FuncByte:
                var parameters = ReadResultType(ref r);
                var results = ReadResultType(ref r);
                return new FuncType(parameters, results);
            case StructByte:
                int n = r.ReadLength();
                var fields = n == 0 ? [] : new FieldType[n];
                for (int i = 0; i < n; i++) fields[i] = ReadFieldType(ref r);
                return new StructType(fields);
            case ArrayByte:
                return new ArrayType(ReadFieldType(ref r));
            case >= 0x80:
                // The reference reads this byte as a one-byte s7: a continuation bit makes it too long.
                throw WasmReader.Error("integer representation too long", at + 1);
            default:
                throw WasmReader.Error("malformed definition type", at);
        }
    }

    static ValType[] ReadResultType(ref WasmReader r)
    {
        int n = r.ReadLength();
        if (n == 0) return [];
        var types = new ValType[n];
        for (int i = 0; i < n; i++) types[i] = r.ReadValType();
        return types;
    }

    static FieldType ReadFieldType(ref WasmReader r)
    {
        var storage = r.ReadStorageType();
        return new FieldType(storage, ReadMutability(ref r));
    }

    static bool ReadMutability(ref WasmReader r)
    {
        int at = r.Offset;
        return r.ReadByte() switch
        {
            0 => false,
            1 => true,
            _ => throw WasmReader.Error("malformed mutability", at),
        };
    }
}
