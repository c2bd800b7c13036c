using System.Runtime.CompilerServices;
using Hoist.Optimizing.Ir;
using Hoist.Vm;

namespace Hoist.Tests.Optimizing.Interpreter;

/// <summary>
/// Executes IR directly: the test oracle for the translator and every pass before (and beside) code
/// generation. Values are raw bits in longs as <see cref="Eval"/> defines them (its semantics are the
/// constant folder's); block arguments are passed as parallel copies; memory operations go to the emulated
/// <see cref="AddressSpace"/>; a call's code address selects a wasm function, a host function or a builtin.
/// Tail calls reuse the loop (so deep tail recursion needs no stack); ordinary calls recurse up to
/// <see cref="MaxDepth"/>, past which they trap with "call stack exhausted".
/// </summary>
static class IrInterpreter
{
    public const int MaxDepth = 4000;

    [ThreadStatic] static int t_depth;

    static readonly ConditionalWeakTable<Function, int[]> s_resolved = new();

    /// <summary>Calls <paramref name="f"/> with wasm arguments (no VMContext); returns its results.</summary>
    public static long[] Invoke(InterpStore store, FuncObj f, long[] args)
    {
        var full = new long[args.Length + 1];
        full[0] = f.Instance?.Vmctx ?? 0;
        args.CopyTo(full, 1);
        return Call(store, f, full);
    }

    static long[] Call(InterpStore store, FuncObj f, long[] args)
    {
        if (f.Host is not null) return f.Host(args[1..]);
        if (++t_depth > MaxDepth)
        {
            t_depth--;
            throw new InterpTrap(TrapCode.StackOverflow);
        }
        try { return Execute(store, f, args); }
        finally { t_depth--; }
    }

    /// <summary>Each value's number after alias resolution, computed once per function.</summary>
    static int[] ResolvedNumbers(Function fn) => s_resolved.GetValue(fn, static g =>
    {
        var map = new int[g.ValueCount];
        for (int v = 0; v < map.Length; v++)
            map[v] = g.ValueInfo(new Value(v)).Kind == ValueKind.Alias ? g.Resolve(new Value(v)).Index : v;
        return map;
    });

    static long[] Execute(InterpStore store, FuncObj f, long[] args)
    {
        Span<long> vals = stackalloc long[3];
        Span<IrType> types = stackalloc IrType[3];
        while (true)
        {
            if (f.Unsupported is not null) throw new SkipException(f.Unsupported);
            var fn = f.Ir ?? throw new InvalidOperationException("a wasm function without IR");
            var map = ResolvedNumbers(fn);
            var regs = new long[fn.ValueCount];
            var entryParams = fn.BlockParams(fn.EntryBlock);
            for (int k = 0; k < entryParams.Length; k++) regs[entryParams[k].Index] = args[k];
            var block = fn.EntryBlock;
            long V(Value v) => regs[map[v.Index]];
            while (true)
            {
                Block next = Block.None;
                for (var i = fn.FirstInst(block); i.IsValid; i = fn.NextInst(i))
                {
                    ref readonly InstData d = ref fn[i];
                    var a = fn.Args(i);
                    switch (d.Op.Format())
                    {
                        case InstFormat.IntConst:
                        case InstFormat.FloatConst:
                            regs[d.FirstResult] = d.Imm;
                            break;
                        case InstFormat.Unary:
                        case InstFormat.Binary:
                        case InstFormat.Ternary:
                        case InstFormat.IntCompare:
                        case InstFormat.FloatCompare:
                        {
                            for (int k = 0; k < a.Length; k++) { vals[k] = V(a[k]); types[k] = fn.TypeOf(a[k]); }
                            if (!Eval.TryEvaluate(d.Op, d.Type, d.Code, vals[..a.Length], types[..a.Length], out long r))
                                throw new InterpTrap(TrapOf(d.Op, vals[0], vals.Length > 1 ? vals[1] : 0, types[0]));
                            regs[d.FirstResult] = r;
                            break;
                        }
                        case InstFormat.Load:
                            regs[d.FirstResult] = Load(store, d.Op, d.Type, V(a[0]) + d.Imm);
                            break;
                        case InstFormat.Store:
                            store.Memory.Write(V(a[0]) + d.Imm, AccessSize(d.Op, d.Type), (ulong)V(a[1]));
                            break;
                        case InstFormat.Trap:
                            throw new InterpTrap((TrapCode)d.Code);
                        case InstFormat.CondTrap:
                            if ((V(a[0]) == 0) == (d.Op == Op.Trapz)) throw new InterpTrap((TrapCode)d.Code);
                            break;
                        case InstFormat.BoundsCheck:
                            if (!InterpBuiltins.InBounds((ulong)V(a[0]), (ulong)d.Imm, (ulong)V(a[1]))) throw new InterpTrap((TrapCode)d.Code);
                            break;
                        case InstFormat.Jump:
                            next = Branch(fn, i, 0, regs, map);
                            break;
                        case InstFormat.Brif:
                            next = Branch(fn, i, V(a[0]) != 0 ? 0 : 1, regs, map);
                            break;
                        case InstFormat.BranchTable:
                        {
                            ulong index = (uint)V(a[0]);
                            int n = fn.TargetCount(i);
                            next = Branch(fn, i, index < (ulong)(n - 1) ? (int)index + 1 : 0, regs, map);
                            break;
                        }
                        case InstFormat.Return:
                        {
                            var results = new long[a.Length];
                            for (int k = 0; k < a.Length; k++) results[k] = V(a[k]);
                            return results;
                        }
                        case InstFormat.Call:
                        case InstFormat.CallIndirect:
                        {
                            bool indirect = d.Op.Format() == InstFormat.CallIndirect;
                            int first = indirect ? 1 : 0;
                            var callArgs = new long[a.Length - first];
                            for (int k = first; k < a.Length; k++) callArgs[k - first] = V(a[k]);
                            FuncObj? callee;
                            if (!indirect) callee = f.Instance!.Funcs[fn.ExtFuncOf(new FuncRef(d.Ref)).WasmFunction];
                            else
                            {
                                long code = V(a[0]);
                                if (code >= InterpStore.BuiltinCodeBase && code < InterpStore.BuiltinCodeBase + Builtins.Count)
                                {
                                    var r = InterpBuiltins.Call(store, (BuiltinId)(code - InterpStore.BuiltinCodeBase), callArgs);
                                    if (d.Op.IsTerminator()) return [r];
                                    regs[d.FirstResult] = r;
                                    break;
                                }
                                if (!store.Functions.TryGetValue(code, out callee))
                                    throw new UnmappedAccessException($"call to 0x{code:x}, which is no function");
                            }
                            if (d.Op.IsTerminator() && callee.Host is null)
                            {
                                // A tail call: continue in this loop, with no deeper recursion.
                                f = callee;
                                args = callArgs;
                                goto tailCall;
                            }
                            var res = Call(store, callee, callArgs);
                            if (d.Op.IsTerminator()) return res;
                            for (int r = 0; r < res.Length; r++) regs[d.FirstResult + r] = res[r];
                            break;
                        }
                        default:
                            throw new InvalidOperationException($"the interpreter has no rule for {d.Op.Mnemonic()}");
                    }
                    if (next.IsValid) break;
                }
                if (!next.IsValid) throw new InvalidOperationException($"{block} ended without a terminator");
                block = next;
            }
        tailCall:;
        }
    }

    /// <summary>Passes target <paramref name="t"/>'s arguments to its block's parameters (all read before any is written).</summary>
    static Block Branch(Function fn, Inst i, int t, long[] regs, int[] map)
    {
        var target = fn.TargetBlock(i, t);
        var args = fn.TargetArgs(i, t);
        var ps = fn.BlockParams(target);
        Span<long> tmp = args.Length <= 32 ? stackalloc long[args.Length] : new long[args.Length];
        for (int k = 0; k < args.Length; k++) tmp[k] = regs[map[args[k].Index]];
        for (int k = 0; k < ps.Length; k++) regs[ps[k].Index] = tmp[k];
        return target;
    }

    static int AccessSize(Op op, IrType t) => op switch
    {
        Op.Uload8 or Op.Sload8 or Op.Istore8 => 1,
        Op.Uload16 or Op.Sload16 or Op.Istore16 => 2,
        Op.Uload32 or Op.Sload32 or Op.Istore32 => 4,
        _ => t.Bytes(),
    };

    static long Load(InterpStore store, Op op, IrType t, long address)
    {
        ulong raw = store.Memory.Read(address, AccessSize(op, t));
        long v = op switch
        {
            Op.Sload8 => (sbyte)raw,
            Op.Sload16 => (short)raw,
            Op.Sload32 => (int)raw,
            _ => (long)raw,
        };
        return t == IrType.I32 ? (int)v : v;
    }

    /// <summary>Why a value operation failed to evaluate: the wasm trap it stands for.</summary>
    static TrapCode TrapOf(Op op, long x, long y, IrType t0) => op switch
    {
        Op.Sdiv => (t0 == IrType.I32 ? (int)y : y) == 0 ? TrapCode.IntegerDivideByZero : TrapCode.IntegerOverflow,
        Op.Udiv or Op.Srem or Op.Urem => TrapCode.IntegerDivideByZero,
        Op.FcvtToSint or Op.FcvtToUint =>
            (t0 == IrType.F32 ? float.IsNaN(BitConverter.UInt32BitsToSingle((uint)x)) : double.IsNaN(BitConverter.Int64BitsToDouble(x)))
                ? TrapCode.BadConversionToInteger : TrapCode.IntegerOverflow,
        _ => throw new InvalidOperationException($"{op.Mnemonic()} failed to evaluate"),
    };
}
