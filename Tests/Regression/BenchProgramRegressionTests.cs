using Hoist.Runtime;
using Hoist.Vm;

namespace Hoist.Tests.Regression;

/// <summary>
/// Miscompilations found by running the benchmark programs (Bench/programs) rather than by the fuzzer, each reduced to
/// one exported function and checked on many inputs against the Baseline.
/// </summary>
public class BenchProgramRegressionTests
{
    /// <summary>
    /// big.wasm's function f117 (Bench/scripts/gen-big.mjs), alone: a 31-state machine in a 37-step loop
    /// (<c>switch</c> → <c>br_table</c>) over three live values, with rotates, shifts, divisions and remainders:
    /// <code>
    /// uint32_t f117(uint32_t a, uint32_t b) {
    ///   uint32_t s = a % 31u, acc = b, t = 0xf0637dbbu;
    ///   for (int step = 0; step &lt; 37; step++) {
    ///     switch (s) {
    ///     case 0: acc = (((0x89732331u + t) + 0xb5679cfdu) % ((rotl32((t % ((t & 0xffu) + 1u)), 24) & 0xffu) + 1u)); t ^= acc >> 13; s = (acc >> 10) % 31u; break;
    ///     ... (31 cases of the same form; default: acc += 0x39818e03u; s = 0;)
    ///     }
    ///   }
    ///   return acc ^ t;
    /// }
    /// </code>
    /// (clang -O2 --target=wasm32 -nostdlib, exported). An instruction selection that gave <c>br_table</c> a
    /// temporary of its own (a def on a block terminator) let the allocator put it in a register still holding a
    /// value live into the successors: wrong results on most inputs, and a wrong big.wasm checksum.
    /// </summary>
    [Fact]
    public void StateMachineWithBrTableAgreesWithTheBaseline()
    {
        byte[] wasm = Convert.FromBase64String(F117Wasm);
        var baseline = Instantiate(Strategy.Baseline, wasm).GetFunc("f117");
        var optimizing = Instantiate(Strategy.Optimizing, wasm).GetFunc("f117");
        int compared = 0;
        for (uint a = 0; a < 64; a++)
            for (uint b = 0; b < 16; b++)
            {
                var args = new[] { Value.I32((int)(a * 2654435761u)), Value.I32((int)(b * 40503u + a)) };
                int expected = baseline.Invoke(args)[0].AsI32();
                int actual = optimizing.Invoke(args)[0].AsI32();
                Assert.True(expected == actual, $"f117({args[0].AsI32()}, {args[1].AsI32()}): baseline {expected}, optimizing {actual}");
                compared++;
            }
        Assert.Equal(64 * 16, compared);
    }

    static Instance Instantiate(Strategy strategy, byte[] wasm)
    {
        var engine = new Engine(new Config { Strategy = strategy });
        return new Linker(engine).Instantiate(new Store(engine), new Module(engine, wasm));
    }

    const string F117Wasm =
        "AGFzbQEAAAABBwFgAn9/AX8DAgEABAUBcAEBAQUDAQACBggBfwFBgIgECwcRAgZtZW1vcnkCAARmMTE3AAAKogwBnwwBLH9B74X/" +
        "HyABIABzIAEgAGwiAnNrIgNBB3YhBCADQQt2QR9wIQUgAEEJdiEGIAFBAXIhByABQePy2ckHbCEIIAFBsZzyrwJqIQkgAEG57enG" +
        "fHEhCiAAQRZ3IQsgAEEfcSEMIAFBE3YhDSABQd3m4O4EciEOIAFBH3EhDyABIABxIRAgAEEfcCERIAAgAXJB/pyitANyIRIgAUES" +
        "d0Gpu7m7enMhEyAAIAB0QQFyIRQgAUEadyIVQQx2IRYgASAAdCIXIABxIRggAEH/AXFBAWohGSAXIAByIRpB6Mvrmn8gAXQiG0ET" +
        "diEcIAEgAGoiF0EUdiEdIAFB/wFxQQFqIR4gAUGxg4g3akGur8DSBnFBAXIhHyAVQQp2QR9wISAgG0EMdkEfcCEhIAAgAUEKd2xB" +
        "hbCRkAVsISJB75+OzwYgAXQgAWwiI0EOdiEkQcC00up5IBdBDGp0IiVBH3AhJiAlQQt2IScgAUGZz5iDBCABIABJGyABcyIoQRR2" +
        "ISkgI0EMdkEfcCEqQbv7jYN/IStBJSEsIAEhLQNAIBEhFwJAAkACQAJAAkACQAJAAkACQAJAAkACQAJAAkACQAJAAkACQAJAAkAC" +
        "QAJAAkACQAJAAkACQAJAAkACQAJAIBEOHx4AAQIDBAUGBgcICQoLDA0ODxAREhMUFRYXGBkZGhscCyAtIA90IhdBB3ZBH3AhESAX" +
        "QQp2ICtzISsMHQsgEiAtQQFybiIXQQN2QR9wIREgF0EPdiArcyErDBwLIAAgB25BHHZB0/mnASAGICtB+8/mnwVLGyItciEXIC1B" +
        "BHZBH3AhESAtQQZ2ICtzISsMGwsgKyAncyErICYhESAlIRcMGgsgKyAEcyErIAUhESADIRcMGQsgKyABbCArQRx3ayATbCIXQQN2" +
        "QR9wIREgF0ETdiArcyErDBgLICsgLWogK2wiF0EfcCERIBdBA3YgK3MhKwwXC0G8k651IBRuIC1BFncgKyABckEBcm5BAXJuIhdB" +
        "AXZBH3AhESAXQQR2ICtzISsMFgtBueLMdiAfbiIXQQF2QR9wIREgF0EUdiArcyErDBULICsgFnMhKyAgIREgFSEXDBQLIAggLSAt" +
        "Qf8BcUEBanBsQdy4yLZ+cSIXQQd2QR9wIREgF0EEdiArcyErDBMLIC0gAGsgD3RBrLe2rQdxIhdBAnZBH3AhESAXQQx2ICtzISsM" +
        "EgtBkKLW+wIgLXRBH3YiF0H8vbGHfSAXIC1JGyIXQQh2QR9wIREgF0EKdiArcyErDBELIC0gK2wgLUEOdCIXQcn0rDAgFyArIAFs" +
        "SRtsQfa3q/UFbCIXQR9wIREgF0EGdiArcyErDBALIC0gAWwiLUF8cSEXIC1BAnZBH3AhESAtQQR2ICtzISsMDwsgKyApcyErIAkg" +
        "LUH/AXFBAWpwIChyIhdBH3AhEQwOCyAYICtxIhcgK0GriMyvfGogFyArICtBGGp0SRsiF0EBdkEfcCERIBdBEHYgK3MhKwwNCyAt" +
        "QRF0IAwgLXF0IC0gAXEgK3FrIhdBA3ZBH3AhESAXQQd2ICtzISsMDAsgLSAtIAFsQQFybkEXdyIXQQR2QR9wIREgF0ESdiArcyEr" +
        "DAsLICtBDncgC3MiF0Gw+pDHACAXIAAgK2sgCnJJGyIXQQd2QR9wIREgF0EMdiArcyErDAoLIAIgLSAtbEEBcm4gLUEadyAAIC0g" +
        "AEGYqeXeA0kbdGwiF0EGdkEfcCERIBdBBHYgK3MhKwwJCyAtIABzQZa21dt4aiAtQQF0QRNqdCIXQR9wIREgF0EGdiArcyErDAgL" +
        "IBogK3JBzo2JpXggGXAgAXJB/wFxQQFqcCIXQQJ2ICtzISsMBgsgDSArciArIAFqckG7g9bQe3IiF0EDdkEfcCERIBdBAnYgK3Mh" +
        "KwwGCyArIBxzISsgISERIBshFwwFCyAiIA5uIRcMAwsgKyAkcyErICohESAjIRcMAwsCQCAQIB5wIhcgHUkNACAtICtBAXJuIRcL" +
        "IBdBBXZBH3AhESAXQQl2ICtzISsMAgsgLUGDnIbMA2ohFwtBACERCyAXIS0gLEF/aiIsDQALICsgF3MLACIEbmFtZQEHAQAEZjEx" +
        "NwcSAQAPX19zdGFja19wb2ludGVyAC0JcHJvZHVjZXJzAQxwcm9jZXNzZWQtYnkBDERlYmlhbiBjbGFuZwYxNC4wLjY=";
}
