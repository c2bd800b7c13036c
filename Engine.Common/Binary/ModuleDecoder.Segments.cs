namespace Hoist.Wasm.Binary;

/// <summary>
/// Element and data segments.
/// <para>
/// Element flags (u32): bit 0 = passive or declarative (not active), bit 1 = with bit 0
/// declarative, without it an explicit table index; bit 2 = items are expressions with a
/// reference type (else function indices with an element kind byte). Forms 0 and 4 (active,
/// implicit table 0) have no kind/type: the index form's type is <c>(ref func)</c>, the
/// expression form's <c>funcref</c>. The element kind byte 0x00 means <c>(ref func)</c>.
/// </para>
/// </summary>
public sealed partial class ModuleDecoder
{
    static readonly ValType RefFunc = ValType.Ref(HeapType.Func, nullable: false);

    void ReadElementSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++) _module.Elements.Add(ReadElementSegment(ref r));
    }

    ElementSegment ReadElementSegment(ref WasmReader r)
    {
        int at = r.Offset;
        uint flags = r.ReadU32();
        if (flags > 7) throw Error("malformed elements segment kind", at);
        bool notActive = (flags & 1) != 0;
        bool explicitTable = (flags & 2) != 0 && !notActive;
        bool exprs = (flags & 4) != 0;
        var mode = !notActive ? SegmentMode.Active : (flags & 2) != 0 ? SegmentMode.Declarative : SegmentMode.Passive;

        uint table = explicitTable ? r.ReadU32() : 0;
        ConstExpr? offset = mode == SegmentMode.Active ? ReadConstExpr(ref r) : null;

        ValType type;
        if (flags is 0 or 4) type = exprs ? ValType.FuncRef : RefFunc;
        else if (exprs) type = r.ReadRefType();
        else
        {
            r.Expect(0x00, "malformed element kind");
            type = RefFunc;
        }

        int n = r.ReadLength();
        if (exprs)
        {
            var items = new ConstExpr[n];
            for (int i = 0; i < n; i++) items[i] = ReadConstExpr(ref r);
            return new ElementSegment(mode, type, table, offset, null, items);
        }
        var funcs = new uint[n];
        for (int i = 0; i < n; i++) funcs[i] = r.ReadU32();
        return new ElementSegment(mode, type, table, offset, funcs, null);
    }

    /// <summary>Data segment flags (u32): 0 active in memory 0, 1 passive, 2 active with a memory index.</summary>
    void ReadDataSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        for (int i = 0; i < count; i++)
        {
            int at = r.Offset;
            uint flags = r.ReadU32();
            DataSegment segment;
            switch (flags)
            {
                case 0:
                {
                    var offset = ReadConstExpr(ref r);
                    segment = new DataSegment(SegmentMode.Active, 0, offset, ReadDataBytes(ref r));
                    break;
                }
                case 1:
                    segment = new DataSegment(SegmentMode.Passive, 0, null, ReadDataBytes(ref r));
                    break;
                case 2:
                {
                    uint memory = r.ReadU32();
                    var offset = ReadConstExpr(ref r);
                    segment = new DataSegment(SegmentMode.Active, memory, offset, ReadDataBytes(ref r));
                    break;
                }
                default:
                    throw Error("malformed data segment kind", at);
            }
            _module.Data.Add(segment);
        }
    }

    ReadOnlyMemory<byte> ReadDataBytes(ref WasmReader r)
    {
        int n = r.ReadLength();
        int offset = r.Offset;
        r.Skip(n);
        return Slice(offset, n);
    }
}
