using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Text;

namespace Hoist.Tests.Optimizing;

/// <summary>
/// The modules of a .wast script that should be valid: those it defines, instantiates, expects to trap at
/// start or fail to link. Decoding errors propagate (the script expects these modules to be well-formed).
/// </summary>
static class WastModules
{
    public static IEnumerable<(int Line, WasmModule Module)> Valid(string path)
    {
        var script = WastParser.ParseFile(path);
        foreach (var c in script.Commands)
        {
            WastModule? m = c switch
            {
                WastModuleCommand mc => mc.Module,
                WastAssertTrap { Module: not null } t => t.Module,
                WastAssertUnlinkable u => u.Module,
                _ => null,
            };
            if (m is null) continue;
            // Text goes through the binary encoding, as the runtime loads it (real offsets, the data count).
            byte[]? bytes = m switch
            {
                WastTextModule { Module: not null } t => Encode(t.Module),
                WastBinaryModule b => b.Bytes,
                WastQuoteModule q => Encode(WatParser.ParseQuoted(q.Text)),
                _ => null,
            };
            if (bytes is not null) yield return (m.Line, ModuleDecoder.Decode(bytes));
        }
    }

    /// <summary>Encodes a text module; like the binary format, it declares the data count (which bodies naming segments need).</summary>
    static byte[] Encode(WasmModule module)
    {
        module.DataCount ??= (uint)module.Data.Count;
        return ModuleEncoder.Encode(module);
    }
}
