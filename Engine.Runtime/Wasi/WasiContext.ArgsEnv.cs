namespace Hoist.Runtime.Wasi;

// args_* and environ_*: the strings as the C runtime wants them, NUL-terminated UTF-8 packed into one
// buffer, with an array of u32 pointers to each.
public sealed partial class WasiContext
{
    internal Errno ArgsSizesGet(in GuestMemory m, uint countPtr, uint sizePtr) => Sizes(m, _arguments, countPtr, sizePtr);

    internal Errno ArgsGet(in GuestMemory m, uint pointersPtr, uint bufferPtr) => Strings(m, _arguments, pointersPtr, bufferPtr);

    internal Errno EnvironSizesGet(in GuestMemory m, uint countPtr, uint sizePtr) => Sizes(m, _environment, countPtr, sizePtr);

    internal Errno EnvironGet(in GuestMemory m, uint pointersPtr, uint bufferPtr) => Strings(m, _environment, pointersPtr, bufferPtr);

    static Errno Sizes(in GuestMemory m, byte[][] strings, uint countPtr, uint sizePtr)
    {
        long size = 0;
        foreach (byte[] s in strings) size += s.Length;
        if (size > uint.MaxValue) return Errno.Overflow;
        m.Write32(countPtr, (uint)strings.Length);
        m.Write32(sizePtr, (uint)size);
        return Errno.Success;
    }

    static Errno Strings(in GuestMemory m, byte[][] strings, uint pointersPtr, uint bufferPtr)
    {
        uint at = bufferPtr;
        for (int i = 0; i < strings.Length; i++)
        {
            m.Write32(pointersPtr + (uint)i * 4, at);
            strings[i].CopyTo(m.Span(at, (uint)strings[i].Length));
            at += (uint)strings[i].Length;
        }
        return Errno.Success;
    }
}
