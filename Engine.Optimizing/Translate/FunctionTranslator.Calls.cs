using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Optimizing.Translate;

// Calls. A function of this module is called directly with the caller's VMContext; an imported one
// through its import record { code, VMContext }; call_indirect checks the table bounds, the null entry
// and the callee's canonical type id (through the IsSubtype builtin when the expected type is not final);
// call_ref checks for null. Every callee gets its VMContext as the first argument.
public sealed partial class FunctionTranslator
{
    /// <summary>Pops the wasm arguments of <paramref name="sig"/> (whose first parameter is the VMContext).</summary>
    ReadOnlySpan<Value> PopArgs(Signature sig, Value vmctx)
    {
        int n = sig.Params.Length - 1;
        var args = Prepend(vmctx, Top(n));
        _sp -= n;
        return args;
    }

    void PushResults(Inst call)
    {
        int n = _f.ResultCount(call);
        for (int r = 0; r < n; r++) Push(_f.Result(call, r));
    }

    void Call(uint funcIndex, bool tail, long offset)
    {
        var sig = _env.FunctionSignature(funcIndex, offset);
        if (_env.IsImportedFunction(funcIndex))
        {
            int record = _env.Offsets.ImportedFunction(funcIndex);
            var code = LoadConst(_vmctx, record + VmOffsets.ImportedFunctionCode);
            var calleeVmctx = LoadConst(_vmctx, record + VmOffsets.ImportedFunctionVmContext);
            CallThrough(_f.DeclareSignature(sig), code, PopArgs(sig, calleeVmctx), tail);
            return;
        }
        var callee = _f.DeclareFunction(funcIndex, sig);
        var args = PopArgs(sig, _vmctx);
        if (tail)
        {
            _b.ReturnCall(callee, args);
            SetUnreachable();
        }
        else PushResults(_b.Call(callee, args));
    }

    void CallThrough(SigRef sig, Value code, ReadOnlySpan<Value> args, bool tail)
    {
        if (tail)
        {
            _b.ReturnCallIndirect(sig, code, args);
            SetUnreachable();
        }
        else PushResults(_b.CallIndirect(sig, code, args));
    }

    /// <summary>Calls the function a non-null VMFuncRef points to.</summary>
    void CallFuncRef(Signature sig, Value funcRef, bool tail)
    {
        var code = _b.Load(Op.Load, IrType.I64, AliasRegion.Const, funcRef, VmFuncRef.Code);
        var calleeVmctx = _b.Load(Op.Load, IrType.I64, AliasRegion.Const, funcRef, VmFuncRef.VmContext);
        CallThrough(_f.DeclareSignature(sig), code, PopArgs(sig, calleeVmctx), tail);
    }

    void CallIndirect(uint typeIndex, uint table, bool tail, long offset)
    {
        var sig = _env.WasmSignature(typeIndex, offset);
        var index = Pop();
        var addr = TableElementAddress(table, index, TrapCode.UndefinedElement);
        var funcRef = _b.Load(Op.Load, IrType.I64, AliasRegion.Table(table), addr, 0);
        _b.Trapz(funcRef, TrapCode.UninitializedElement);
        CheckType(funcRef, typeIndex);
        CallFuncRef(sig, funcRef, tail);
    }

    /// <summary>Traps unless the callee's canonical type id is the expected one (or, for a non-final type, a subtype of it).</summary>
    void CheckType(Value funcRef, uint typeIndex)
    {
        var actual = _b.Load(Op.Load, IrType.I32, AliasRegion.Const, funcRef, VmFuncRef.TypeId);
        var expected = _b.Load(Op.Load, IrType.I32, AliasRegion.Const, _vmctx, _env.Offsets.TypeId(typeIndex), MemFlags.Movable);
        if (_env.IsFinal(typeIndex))
        {
            _b.Trapnz(_b.Icmp(IntCC.Ne, actual, expected), TrapCode.IndirectCallTypeMismatch);
            return;
        }
        var slow = _f.CreateBlock();
        var cont = _f.CreateBlock();
        var br = _b.Brif(_b.Icmp(IntCC.Eq, actual, expected), cont, default, slow, default);
        Edge(cont, br, 0);
        Edge(slow, br, 1);
        _ssa.SealBlock(slow);
        StartBlock(slow);
        var isSubtype = CallBuiltin(BuiltinId.IsSubtype, [expected, funcRef]);
        _b.Trapz(_f.Result(isSubtype), TrapCode.IndirectCallTypeMismatch);
        JumpTo(cont, default);
        _ssa.SealBlock(cont);
        StartBlock(cont);
    }

    void CallRef(uint typeIndex, bool tail, long offset)
    {
        var sig = _env.WasmSignature(typeIndex, offset);
        var funcRef = Pop();
        _b.Trapz(funcRef, TrapCode.NullFunctionReference);
        CallFuncRef(sig, funcRef, tail);
    }

    /// <summary>ref.func: the address of the function's VMFuncRef (inline in the VMContext, or the import's).</summary>
    Value RefFunc(uint funcIndex)
    {
        if (_env.IsImportedFunction(funcIndex))
            return LoadConst(_vmctx, _env.Offsets.ImportedFunction(funcIndex) + VmOffsets.ImportedFunctionFuncRef);
        return _b.Binary(Op.Iadd, _vmctx, _b.Iconst(IrType.I64, _env.Offsets.FuncRef(funcIndex)));
    }

    /// <summary>Calls a builtin through the VMContext's table: (caller's VMContext, <paramref name="args"/>...).</summary>
    Inst CallBuiltin(BuiltinId id, ReadOnlySpan<Value> args)
    {
        var sig = _f.DeclareSignature(BuiltinSignatures.Of(id));
        var table = LoadConst(_vmctx, _env.Offsets.Builtins);
        var code = LoadConst(table, Builtins.TableOffset(id));
        return _b.CallIndirect(sig, code, Prepend(_vmctx, args));
    }
}
