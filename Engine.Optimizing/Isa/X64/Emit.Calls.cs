using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Isa.X64;

// Calls, tail calls and returns (operand layouts: see Lower.Calls.cs).
public sealed partial class Emitter
{
    void EmitCall(in MInst mi)
    {
        var ci = _fn.Calls[(int)mi.Imm];
        bool wasm = ci.Sig.Conv == CallConv.Wasm;
        int k = 0;
        Gpr code = ci.Kind == CallKind.Indirect ? G(k++) : default;
        bool setVmctx = wasm && !ci.OwnVmctx;
        Gpr vmctx = setVmctx ? G(k++) : default;
        int n = ci.Abi.Params.Length;
        for (int p = 0; p < n; p++)
        {
            var loc = ci.Abi.Params[p];
            if (loc.IsStack) StoreAny(A(k + p), Mem.At(Gpr.Rsp, loc.Offset));
        }
        if (setVmctx) _masm.Mov(Width.W64, Gpr.R14, vmctx);
        if (ci.Kind == CallKind.Direct) _masm.Call(RelocTarget.Function(ci.FuncIndex));
        else _masm.Call(code);
        if (wasm)
        {
            // The callee popped its stack arguments: take the space back (rsp is fixed in the body).
            if (ci.Abi.StackArgsSize > 0) _masm.Sub(Width.W64, Gpr.Rsp, ci.Abi.StackArgsSize);
            // A callee may have tail-called into another instance and returned with its VMContext.
            _masm.Mov(Width.W64, Gpr.R14, Mem.At(Gpr.Rbp, Abi.SavedVmContextOffset));
        }
        var results = ci.Sig.Results;
        for (int r = 0; r < results.Length; r++)
        {
            var loc = ci.Abi.Results[r];
            if (loc.Kind == AbiLocationKind.Gpr)
            {
                if (results[r] == IrType.I32) _masm.Mov(Width.W32, loc.Gpr, loc.Gpr);
            }
            else if (loc.IsStack) LoadAny(A(k + n + r), Mem.At(Gpr.Rsp, loc.Offset), results[r]);
        }
    }

    /// <summary>
    /// Replaces this frame by the callee's: arguments in their registers, stack ones staged in the outgoing area
    /// and copied over the incoming argument area resized for the callee (whose return area is ours, the result
    /// types being equal), callee-saved registers restored, the return address and caller's rbp put back, jump.
    /// </summary>
    void EmitReturnCall(in MInst mi)
    {
        var ci = _fn.Calls[(int)mi.Imm];
        int k = 0;
        Gpr code = ci.Kind == CallKind.Indirect ? G(k++) : default;
        bool setVmctx = !ci.OwnVmctx;
        Gpr vmctx = setVmctx ? G(k++) : default;
        int n = ci.Abi.Params.Length;
        for (int p = 0; p < n; p++)
        {
            var loc = ci.Abi.Params[p];
            if (loc.IsStack) StoreAny(A(k + p), Mem.At(Gpr.Rsp, loc.Offset));
        }
        // Free from here: r11 (scratch), rax and r10 (no argument), xmm15 (scratch).
        if (ci.Kind == CallKind.Indirect) _masm.Mov(Width.W64, X64Regs.Scratch, code);
        if (setVmctx) _masm.Mov(Width.W64, Gpr.R14, vmctx);
        RestoreSaved();
        int ours = _fn.Abi.StackArgsSize, theirs = ci.Abi.StackArgsSize;
        int delta = 16 + ours - theirs;
        if (ours == theirs)
        {
            CopyStagedArguments(theirs, delta);
            _masm.Leave();
        }
        else
        {
            _masm.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.Rbp, 8));
            _masm.Mov(Width.W64, Gpr.R10, Mem.At(Gpr.Rbp, 0));
            CopyStagedArguments(theirs, delta);
            _masm.Lea(Width.W64, Gpr.Rsp, Mem.At(Gpr.Rbp, delta - 8));
            _masm.Mov(Width.W64, Mem.At(Gpr.Rsp), Gpr.Rax);
            _masm.Mov(Width.W64, Gpr.Rbp, Gpr.R10);
        }
        if (ci.Kind == CallKind.Direct) _masm.Jmp(RelocTarget.Function(ci.FuncIndex));
        else _masm.Jmp(X64Regs.Scratch);
    }

    void CopyStagedArguments(int bytes, int destination)
    {
        // Each destination is above its source: copy from the top down.
        for (int k = bytes - 8; k >= 0; k -= 8)
        {
            _masm.Movsd(X64Regs.ScratchXmm, Mem.At(Gpr.Rsp, k));
            _masm.Movsd(Mem.At(Gpr.Rbp, destination + k), X64Regs.ScratchXmm);
        }
    }

    void EmitReturn()
    {
        var abi = _fn.Abi;
        for (int r = 0; r < abi.Results.Length; r++)
        {
            var loc = abi.Results[r];
            if (loc.IsStack) StoreAny(A(r), Mem.At(Gpr.Rbp, 16 + loc.Offset));
        }
        EmitEpilogue();
    }
}
