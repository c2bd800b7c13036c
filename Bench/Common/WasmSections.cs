namespace Hoist.Bench.Common;

/// <summary>
/// The size of a module's code section, read from the section headers only (as Bench/scripts/wasm-sections.mjs
/// does), so compile throughput is counted in the same unit for Hoist and V8: MB (1e6 bytes) of code section.
/// Inputs are the repository's own well-formed benchmark modules.
/// </summary>
public static class WasmSections
{
    public static int CodeSectionSize(ReadOnlySpan<byte> module)
    {
        int pos = 8;
        while (pos < module.Length)
        {
            byte id = module[pos++];
            uint size = 0;
            for (int shift = 0; ; shift += 7)
            {
                byte b = module[pos++];
                size |= (uint)(b & 0x7F) << shift;
                if (b < 0x80) break;
            }
            if (id == 10) return (int)size;
            pos += (int)size;
        }
        return 0;
    }
}
