using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Tests.Optimizing;

/// <summary>
/// Builds a valid function that uses every opcode of the IR table, each with every controlling type its
/// class allows, with operands chosen from the opcode's signature: the round-trip and verifier tests run
/// over it, so a new opcode in irops.def is covered without editing any test.
/// </summary>
static class EveryOpcode
{
    static readonly IrType[] s_all = [IrType.I32, IrType.I64, IrType.F32, IrType.F64];

    public static IEnumerable<IrType> CtrlTypes(Op op) => op.Ctrl() switch
    {
        TypeConstraint.None => [IrType.Invalid],
        var c => s_all.Where(t => t.Satisfies(c)),
    };

    public static Function Build()
    {
        var sig = new Signature(CallConv.Wasm, [IrType.I64, IrType.I32, IrType.I64, IrType.F32, IrType.F64], [IrType.I32]);
        var f = new Function("every_opcode", sig);
        var b = new IrBuilder(f);
        var entry = f.CreateBlock();
        f.AppendBlock(entry);
        var ps = new Dictionary<IrType, Value>();
        var vmctx = f.AppendBlockParam(entry, IrType.I64);
        foreach (var t in s_all) ps[t] = f.AppendBlockParam(entry, t);
        b.SwitchToBlock(entry);
        var fn = f.DeclareFunction(7, new Signature(CallConv.Wasm, [IrType.I64, IrType.I32], [IrType.I32, IrType.F64]));
        var tailFn = f.DeclareFunction(8, new Signature(CallConv.Wasm, [IrType.I64], [IrType.I32]));
        var builtin = f.DeclareSignature(new Signature(CallConv.SystemV, [IrType.I64, IrType.I32], [IrType.I64]));
        var tailSig = f.DeclareSignature(new Signature(CallConv.Wasm, [IrType.I64, IrType.F64], [IrType.I32]));

        foreach (Op op in Enum.GetValues<Op>())
        {
            if (op.IsTerminator() || op.Format() is InstFormat.Call or InstFormat.CallIndirect) continue;
            foreach (var ctrl in CtrlTypes(op))
            {
                var args = new List<Value>();
                foreach (var c in op.Params())
                {
                    IrType t = c switch
                    {
                        TypeConstraint.Ctrl => ctrl,
                        TypeConstraint.Int => IrType.I64,
                        TypeConstraint.Float => IrType.F64,
                        TypeConstraint.Any => ctrl.IsInt() ? (ctrl == IrType.I32 ? IrType.F32 : IrType.F64) : (ctrl == IrType.F32 ? IrType.I32 : IrType.I64),
                        _ => c.Concrete(),
                    };
                    args.Add(ps[t]);
                }
                var (code, @ref, imm) = op.Format() switch
                {
                    InstFormat.IntConst => ((byte)0, 0, ctrl == IrType.I32 ? -5L : long.MinValue),
                    InstFormat.FloatConst => ((byte)0, 0, ctrl == IrType.F32 ? (long)BitConverter.SingleToUInt32Bits(-1.5f) : BitConverter.DoubleToInt64Bits(0.1)),
                    InstFormat.IntCompare => ((byte)IntCC.Ugt, 0, 0L),
                    InstFormat.FloatCompare => ((byte)FloatCC.Ult, 0, 0L),
                    InstFormat.Load => ((byte)MemFlags.Movable, AliasRegion.Memory(2).Bits, 16L),
                    InstFormat.Store => ((byte)0, AliasRegion.Global(3).Bits, 0L),
                    InstFormat.CondTrap => ((byte)TrapCode.IntegerDivideByZero, 0, 0L),
                    InstFormat.BoundsCheck => ((byte)TrapCode.MemoryOutOfBounds, 0, 8L),
                    _ => ((byte)0, 0, 0L),
                };
                b.Build(op, ctrl, args.ToArray(), code, @ref, imm);
            }
        }
        var call = b.Call(fn, [vmctx, ps[IrType.I32]]);
        var ind = b.CallIndirect(builtin, ps[IrType.I64], [vmctx, f.Result(call)]);
        _ = ind;

        var b1 = f.CreateBlock();
        var b2 = f.CreateBlock();
        var b3 = f.CreateBlock();
        var b4 = f.CreateBlock();
        var b5 = f.CreateBlock();
        var b6 = f.CreateBlock();
        foreach (var blk in new[] { b1, b2, b3, b4, b5, b6 }) f.AppendBlock(blk);
        var p2 = f.AppendBlockParam(b2, IrType.I32);
        var br = b.BrTable(ps[IrType.I32], 4);
        f.SetTarget(br, 0, b1, default);
        f.SetTarget(br, 1, b2, [ps[IrType.I32]]);
        f.SetTarget(br, 2, b3, default);
        f.SetTarget(br, 3, b2, [f.Result(call)]);
        b.SwitchToBlock(b1);
        b.Jump(b2, [ps[IrType.I32]]);
        b.SwitchToBlock(b2);
        b.Brif(p2, b3, default, b4, default);
        b.SwitchToBlock(b3);
        b.ReturnCall(tailFn, [vmctx]);
        b.SwitchToBlock(b4);
        b.ReturnCallIndirect(tailSig, ps[IrType.I64], [vmctx, ps[IrType.F64]]);
        b.SwitchToBlock(b5);
        b.Trap(TrapCode.Unreachable);
        b.SwitchToBlock(b6);
        b.Return([ps[IrType.I32]]);
        return f;
    }
}
