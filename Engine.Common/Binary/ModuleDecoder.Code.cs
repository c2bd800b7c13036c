namespace Hoist.Wasm.Binary;

/// <summary>
/// The code section: each body's size, its local declarations and its instruction bytes (kept
/// as a slice, not decoded here).
/// </summary>
public sealed partial class ModuleDecoder
{
    /// <summary>
    /// Most locals a function may declare (parameters not counted). The format allows up to
    /// 2^32 - 1; like Wasmtime we refuse more than 50,000, which no real function needs and which
    /// keeps frames and the validator's local table small.
    /// </summary>
    public const int MaxLocals = 50_000;

    void ReadCodeSection(ref WasmReader r)
    {
        int count = r.ReadLength();
        _module.Code.Capacity = count;
        var span = _bytes.Span;
        for (int i = 0; i < count; i++)
        {
            int size = r.ReadLength();
            int start = r.Offset;
            r.Skip(size);
            _module.Code.Add(ReadBody(span.Slice(start, size), start, span));
        }
    }

    FunctionBody ReadBody(ReadOnlySpan<byte> body, int start, ReadOnlySpan<byte> module)
    {
        var r = new WasmReader(body, start);
        int declAt = r.Offset;
        int groups = r.ReadLength();
        var locals = groups == 0 ? [] : new LocalGroup[groups];
        ulong total = 0;
        for (int i = 0; i < groups; i++)
        {
            uint n = r.ReadU32();
            locals[i] = new LocalGroup(n, r.ReadValType());
            total += n;
        }
        if (total > MaxLocals) throw Error("too many locals", declAt);

        int end = start + body.Length;
        if (r.IsAtEnd || body[^1] != 0x0B) throw MissingEnd(r.Offset, end, module);
        return new FunctionBody(locals, Slice(r.Offset, r.Remaining), r.Offset);
    }

    /// <summary>
    /// A body whose last byte is not <c>end</c> is malformed, but which message applies is the
    /// reference interpreter's: it does not stop at the body's declared end, it decodes
    /// instructions on into whatever follows until the function's final <c>end</c>, then finds
    /// the size wrong ("section size mismatch"). On the way it may meet a malformed immediate,
    /// the end of the module ("unexpected end of section or function"), or an <c>else</c> at
    /// function level ("END opcode expected"). This error path repeats that scan.
    /// </summary>
    MalformedException MissingEnd(int codeStart, int end, ReadOnlySpan<byte> module)
    {
        var ops = OperatorReader.ForConstExpr(module[codeStart..], codeStart, _buffers);
        var op = default(Operator);
        while (!ops.AtEnd)
        {
            ops.Read(ref op);
            if (op.Opcode == Opcode.Else && ops.Depth == 0) return Error("END opcode expected", op.Offset);
        }
        return Error("section size mismatch", end);
    }
}
