using Hoist.Isa.X64;
using Hoist.Runtime.Trampolines;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Tests.Runtime;

/// <summary>
/// A hand-written wasm function that calls imported function <c>import</c> (of its own signature) with its
/// own arguments and returns its results: exercises every ABI location on both sides of a host call.
/// </summary>
static class Forwarder
{
    public static Action<HandFunction> To(uint import, FuncType type, uint sourceLocation = 0x40) => f =>
    {
        var a = f.Asm;
        var sig = AbiSignature.Of(type);
        f.Prologue(sig.StackSize);
        for (int i = 0; i < type.Params.Length; i++)
        {
            AbiLocation p = sig.Params[i];
            if (p.IsStack)
            {
                if (type.Params[i].Kind == ValKind.V128)
                {
                    a.Movdqu(Xmm.Xmm15, Mem.At(Gpr.Rbp, 16 + p.Offset));
                    a.Movdqu(Mem.At(Gpr.Rsp, p.Offset), Xmm.Xmm15);
                }
                else
                {
                    a.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.Rbp, 16 + p.Offset));
                    a.Mov(Width.W64, Mem.At(Gpr.Rsp, p.Offset), Gpr.Rax);
                }
            }
        }
        a.SetSourceLocation(sourceLocation);
        f.CallImport(import);
        // The callee popped the stack arguments: its return area is at [rsp + offset - StackArgsSize].
        for (int i = 0; i < type.Results.Length; i++)
        {
            AbiLocation r = sig.Results[i];
            if (!r.IsStack) continue;
            if (type.Results[i].Kind == ValKind.V128)
            {
                a.Movdqu(Xmm.Xmm15, Mem.At(Gpr.Rsp, r.Offset - sig.StackArgsSize));
                a.Movdqu(Mem.At(Gpr.Rbp, 16 + r.Offset), Xmm.Xmm15);
            }
            else
            {
                a.Mov(Width.W64, Gpr.R11, Mem.At(Gpr.Rsp, r.Offset - sig.StackArgsSize));
                a.Mov(Width.W64, Mem.At(Gpr.Rbp, 16 + r.Offset), Gpr.R11);
            }
        }
        f.Epilogue(sig.StackArgsSize);
    };
}
