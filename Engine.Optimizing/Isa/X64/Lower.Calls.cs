using Hoist.Isa.X64;
using Hoist.Optimizing.CodeGen;
using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Isa.X64;

// Calls and tail calls. Operand layout of X64Op.Call / ReturnCall (CallInfo.ArgBase says where arguments start):
//   [use code]            indirect calls: the code pointer (any register not used by an argument)
//   [use callee vmctx]    wasm calls whose callee VMContext is not ours: moved to r14 just before the call
//   arguments             register ones as fixed uses, stack ones as any-uses (stored to [rsp + offset])
//   results (not tail)    the first of each class as a fixed def (rax / xmm0), the return-area ones as any-defs
// Every call clobbers the allocatable caller-saved registers. For the System V convention (builtins) the
// VMContext is an ordinary first argument (rdi).
public sealed partial class Lower
{
    void LowerCall(Inst i, bool tail)
    {
        var op = _f.OpOf(i);
        bool indirect = op is Op.CallIndirect or Op.ReturnCallIndirect;
        var sig = _f.CallSignature(i);
        var abi = AbiOf(sig);
        var args = _f.Args(i);
        int argStart = indirect ? 1 : 0;
        bool sysv = sig.Conv == CallConv.SystemV;
        bool own = sysv || _f.Resolve(args[argStart]) == _vmctx;
        uint funcIndex = indirect ? 0 : _f.ExtFuncOf(new FuncRef(_f[i].Ref)).WasmFunction;

        VReg code = indirect ? Reg(args[0]) : VReg.None;
        VReg calleeVmctx = !own ? Reg(args[argStart]) : VReg.None;
        int skip = sysv ? 0 : 1;
        int n = sig.Params.Length - skip;
        Span<VReg> vargs = n <= 32 ? stackalloc VReg[n] : new VReg[n];
        for (int p = 0; p < n; p++)
        {
            var v = Reg(args[argStart + skip + p]);
            // The same vreg in two fixed registers: give the second its own copy.
            for (int q = 0; q < p; q++)
            {
                if (vargs[q] != v) continue;
                var copy = NewVReg(_code.ClassOf(v));
                Push(M(X64Op.Mov, 8), [Operand.Def(copy), Operand.Use(v)]);
                v = copy;
                break;
            }
            vargs[p] = v;
        }

        _ops.Clear();
        if (indirect) _ops.Add(Operand.Use(code));
        if (!own) _ops.Add(Operand.Use(calleeVmctx));
        for (int p = 0; p < n; p++)
        {
            var loc = abi.Params[p];
            _ops.Add(loc.IsStack ? Operand.Use(vargs[p], OperandConstraint.Any) : Operand.FixedUse(vargs[p], PRegOf(loc)));
        }
        if (!tail)
        {
            int results = _f.ResultCount(i);
            for (int r = 0; r < results; r++)
            {
                var loc = abi.Results[r];
                var v = VOf(_f.Result(i, r));
                _ops.Add(loc.IsStack ? Operand.Def(v, OperandConstraint.Any) : Operand.FixedDef(v, PRegOf(loc)));
            }
        }
        var mi = M(tail ? X64Op.ReturnCall : X64Op.Call, 8);
        mi.Imm = _calls.Count;
        _calls.Add(new CallInfo(sig, abi, indirect ? CallKind.Indirect : CallKind.Direct, funcIndex, own));
        Push(mi, X64Regs.CallClobbers);
    }
}
