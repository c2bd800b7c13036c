using Hoist.Optimizing.Analysis;
using Hoist.Vm;

namespace Hoist.Optimizing.Ir;

/// <summary>A function broke an IR invariant: a compiler bug, never a problem of the user's module.</summary>
public sealed class IrVerificationException(string message) : Exception(message);

/// <summary>
/// Checks a function against every IR rule: the layout (each block in it non-empty and ending with exactly
/// one terminator; the entry block's parameters are the signature's, and no branch targets it), the
/// operands (defined values of the types the opcode table demands; call arguments and results by the
/// signature; branch arguments by the target's parameters; returns by the function's results), the
/// immediates (condition codes, trap codes, regions), the consistency of the value table, and SSA
/// dominance: every use in a reachable block is dominated by its definition (block parameters at the top
/// of their block, results at their instruction). Never throws on malformed input other than to report it.
/// Run it after every pass in debug builds and tests.
/// </summary>
public static class Verifier
{
    /// <summary>Throws <see cref="IrVerificationException"/> listing every problem (with the printed function).</summary>
    public static void Verify(Function f)
    {
        var errors = Check(f);
        if (errors.Count == 0) return;
        string text;
        try { text = IrPrinter.Print(f); }
        catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidOperationException) { text = "(the function cannot be printed)"; }
        throw new IrVerificationException($"IR verification failed for {f.Name}:\n  " + string.Join("\n  ", errors) + "\n" + text);
    }

    /// <summary>Returns the problems found (at most a few hundred), empty when the function is valid.</summary>
    public static List<string> Check(Function f) => new Checker(f).Run();

    sealed class Checker(Function f)
    {
        const int MaxErrors = 200;
        readonly List<string> _errors = new();
        readonly ControlFlowGraph _cfg = new();
        readonly DominatorTree _dom = new();
        /// <summary>Per value: the position of its defining instruction in its block (params: -1), while checking dominance.</summary>
        int[] _defPos = [];

        void Error(string where, string message)
        {
            if (_errors.Count < MaxErrors) _errors.Add($"{where}: {message}");
        }

        string Where(Inst i)
        {
            try { return $"{f.BlockOf(i)}: {IrPrinter.PrintInst(f, i)}"; }
            catch (Exception e) when (e is IndexOutOfRangeException or ArgumentException or InvalidOperationException) { return i.ToString(); }
        }

        public List<string> Run()
        {
            if (!f.EntryBlock.IsValid) { Error(f.Name, "the layout has no blocks"); return _errors; }
            CheckEntry();
            CheckLayoutAndInsts();
            if (_errors.Count > 0) return _errors;
            _cfg.Compute(f);
            _dom.Compute(f, _cfg);
            CheckDominance();
            return _errors;
        }

        void CheckEntry()
        {
            var entry = f.EntryBlock;
            var ps = f.BlockParams(entry);
            var sig = f.Signature.Params;
            if (ps.Length != sig.Length) Error(entry.ToString(), $"the entry block has {ps.Length} parameters, the signature {sig.Length}");
            else
                for (int k = 0; k < ps.Length; k++)
                    if (f.TypeOf(ps[k]) != sig[k]) Error(entry.ToString(), $"entry parameter {ps[k]} is {f.TypeOf(ps[k]).Name()}, the signature says {sig[k].Name()}");
        }

        void CheckLayoutAndInsts()
        {
            var seen = new HashSet<int>();
            foreach (var b in f.Blocks)
            {
                var ps = f.BlockParams(b);
                for (int k = 0; k < ps.Length; k++)
                {
                    if (!f.IsValidValue(ps[k])) { Error(b.ToString(), $"parameter {k} is not a value"); continue; }
                    ref readonly ValueData vd = ref f.ValueInfo(ps[k]);
                    if (vd.Kind != ValueKind.Param || vd.Owner != b.Index || vd.Num != k)
                        Error(b.ToString(), $"{ps[k]} is listed as parameter {k} but the value table disagrees");
                    if (vd.Type == IrType.Invalid) Error(b.ToString(), $"{ps[k]} has no type");
                }
                var first = f.FirstInst(b);
                if (!first.IsValid) { Error(b.ToString(), "the block is empty (it needs a terminator)"); continue; }
                Inst prev = Inst.None;
                for (var i = first; i.IsValid; i = f.NextInst(i))
                {
                    if (!seen.Add(i.Index)) { Error(b.ToString(), $"{i} appears twice in the layout"); break; }
                    if (f.BlockOf(i) != b || f.PrevInst(i) != prev) Error(b.ToString(), $"{i}: broken layout links");
                    bool last = !f.NextInst(i).IsValid;
                    if (last && f.LastInst(b) != i) Error(b.ToString(), "the block's last-instruction link is wrong");
                    CheckInst(i, last);
                    prev = i;
                    if (_errors.Count >= MaxErrors) return;
                }
            }
        }

        void CheckInst(Inst i, bool last)
        {
            ref readonly InstData d = ref f[i];
            if ((int)d.Op >= OpInfo.Count) { Error(i.ToString(), $"unknown opcode {(int)d.Op}"); return; }
            Op op = d.Op;
            string at = Where(i);
            if (op.IsTerminator() != last)
                Error(at, last ? "the block does not end with a terminator" : "a terminator in the middle of the block");

            var ctrl = op.Ctrl();
            if (ctrl == TypeConstraint.None) { if (d.Type != IrType.Invalid) Error(at, "the opcode takes no controlling type"); }
            else if (!d.Type.Satisfies(ctrl)) Error(at, $"the controlling type {d.Type.Name()} is not {ctrl}");

            var args = f.Args(i);
            foreach (var a in args)
                if (!CheckValue(a, at)) return;

            var ps = op.Params();
            if (op.HasVarArgs() ? args.Length < ps.Length : args.Length != ps.Length)
            {
                Error(at, $"{args.Length} operands, the opcode takes {(op.HasVarArgs() ? "at least " : "")}{ps.Length}");
                return;
            }
            for (int k = 0; k < ps.Length; k++)
            {
                IrType t = f.TypeOf(f.Resolve(args[k]));
                bool ok = ps[k] == TypeConstraint.Ctrl ? t == d.Type : t.Satisfies(ps[k]);
                if (!ok) Error(at, $"operand {k} is {t.Name()}, expected {(ps[k] == TypeConstraint.Ctrl ? d.Type.Name() : ps[k].ToString())}");
            }
            CheckResults(i, at);
            CheckFormat(i, at);
        }

        bool CheckValue(Value v, string at)
        {
            if (!f.IsValidValue(v)) { Error(at, $"{v} is not a value"); return false; }
            var r = v;
            for (int guard = 0; f.ValueInfo(r).Kind == ValueKind.Alias; guard++)
            {
                r = new Value(f.ValueInfo(r).Owner);
                if (guard > f.ValueCount || !f.IsValidValue(r)) { Error(at, $"{v} is an alias that never resolves"); return false; }
            }
            ref readonly ValueData vd = ref f.ValueInfo(r);
            switch (vd.Kind)
            {
                case ValueKind.Free:
                    Error(at, $"{v} is not defined");
                    return false;
                case ValueKind.Result:
                    if (!f.IsValidInst(new Inst(vd.Owner)) || !f.IsInLayout(new Inst(vd.Owner))) { Error(at, $"{r} is the result of an instruction that was removed"); return false; }
                    break;
                case ValueKind.Param:
                    if (!f.IsValidBlock(new Block(vd.Owner)) || !f.IsInLayout(new Block(vd.Owner))) { Error(at, $"{r} is a parameter of a block not in the layout"); return false; }
                    break;
            }
            return true;
        }

        void CheckResults(Inst i, string at)
        {
            ref readonly InstData d = ref f[i];
            int expected;
            try { expected = f.ResultCountOf(d.Op, d.Ref); }
            catch (ArgumentOutOfRangeException) { return; } // a bad callee reference, reported by CheckFormat
            if (d.ResultCount != expected) { Error(at, $"{d.ResultCount} results, expected {expected}"); return; }
            Span<IrType> types = stackalloc IrType[Math.Min(expected, 64)];
            if (expected > 64) return;
            f.ResultTypes(d.Op, d.Type, d.Ref, types);
            for (int r = 0; r < expected; r++)
            {
                var v = new Value(d.FirstResult + r);
                if (!f.IsValidValue(v)) { Error(at, $"result {r} is not a value"); continue; }
                ref readonly ValueData vd = ref f.ValueInfo(v);
                if (vd.Kind != ValueKind.Result || vd.Owner != i.Index || vd.Num != r) Error(at, $"the value table does not record {v} as result {r}");
                else if (vd.Type != types[r]) Error(at, $"result {v} is {vd.Type.Name()}, expected {types[r].Name()}");
            }
        }

        void CheckFormat(Inst i, string at)
        {
            ref readonly InstData d = ref f[i];
            var args = f.Args(i);
            switch (d.Op.Format())
            {
                case InstFormat.IntConst:
                    if (d.Type == IrType.I32 && d.Imm != (int)d.Imm) Error(at, "an i32 constant must be stored sign-extended");
                    break;
                case InstFormat.FloatConst:
                    if (d.Type == IrType.F32 && (ulong)d.Imm > uint.MaxValue) Error(at, "an f32 constant has bits above 32");
                    break;
                case InstFormat.IntCompare:
                    if (d.Code > (byte)IntCC.Ule) Error(at, "unknown integer condition");
                    break;
                case InstFormat.FloatCompare:
                    if (d.Code > (byte)FloatCC.Uge) Error(at, "unknown float condition");
                    break;
                case InstFormat.Load:
                case InstFormat.Store:
                    if ((int)new AliasRegion(d.Ref).Kind > (int)RegionKind.Store) Error(at, "unknown alias region");
                    if ((d.Code & ~(int)(MemFlags.Movable | MemFlags.Trap)) != 0) Error(at, "unknown memory flags");
                    if (d.Code == (int)(MemFlags.Movable | MemFlags.Trap)) Error(at, "a load that may trap cannot be movable");
                    if (d.Op is Op.Uload32 or Op.Sload32 or Op.Istore32 && d.Type != IrType.I64) Error(at, "32-bit extension needs i64");
                    break;
                case InstFormat.Trap:
                case InstFormat.CondTrap:
                case InstFormat.BoundsCheck:
                    if (d.Code == 0 || d.Code >= TrapCodes.Count) Error(at, "unknown trap code");
                    break;
                case InstFormat.Unary when d.Op == Op.Bitcast:
                {
                    IrType from = f.TypeOf(f.Resolve(args[0]));
                    if (from.Bits() != d.Type.Bits() || from.IsInt() == d.Type.IsInt()) Error(at, $"bitcast from {from.Name()} to {d.Type.Name()}");
                    break;
                }
                case InstFormat.Return:
                    CheckList(args, f.Signature.Results, at, "returned values");
                    break;
                case InstFormat.Call:
                    if ((uint)d.Ref >= (uint)f.ExtFuncs.Count || (uint)f.ExtFuncs[d.Ref].Sig.Index >= (uint)f.Signatures.Count) { Error(at, "unknown callee"); return; }
                    if (f.Signatures[f.ExtFuncs[d.Ref].Sig.Index].Conv != CallConv.Wasm) Error(at, "a wasm function is called with the wasm convention");
                    CheckCall(f.Signatures[f.ExtFuncs[d.Ref].Sig.Index], args, at, d.Op == Op.ReturnCall);
                    break;
                case InstFormat.CallIndirect:
                    if ((uint)d.Ref >= (uint)f.Signatures.Count) { Error(at, "unknown signature"); return; }
                    CheckCall(f.Signatures[d.Ref], args[1..], at, d.Op == Op.ReturnCallIndirect);
                    break;
                case InstFormat.Jump:
                case InstFormat.Brif:
                case InstFormat.BranchTable:
                    CheckTargets(i, at);
                    break;
            }
        }

        void CheckCall(Signature sig, ReadOnlySpan<Value> args, string at, bool tail)
        {
            CheckList(args, sig.Params, at, "call arguments");
            if (!tail) return;
            if (sig.Conv != CallConv.Wasm) Error(at, "a tail call must use the wasm convention");
            if (!sig.Results.AsSpan().SequenceEqual(f.Signature.Results)) Error(at, "a tail call's results must be the function's");
        }

        void CheckList(ReadOnlySpan<Value> values, ReadOnlySpan<IrType> types, string at, string what)
        {
            if (values.Length != types.Length) { Error(at, $"{values.Length} {what}, expected {types.Length}"); return; }
            for (int k = 0; k < values.Length; k++)
            {
                IrType t = f.TypeOf(f.Resolve(values[k]));
                if (t != types[k]) Error(at, $"{what}: #{k} is {t.Name()}, expected {types[k].Name()}");
            }
        }

        void CheckTargets(Inst i, string at)
        {
            int n;
            try { n = f.TargetCount(i); }
            catch (ArgumentOutOfRangeException) { Error(at, "bad target list"); return; }
            if (n < 1) { Error(at, "a branch needs a target"); return; }
            for (int t = 0; t < n; t++)
            {
                var b = f.TargetBlock(i, t);
                if (!f.IsValidBlock(b) || !f.IsInLayout(b)) { Error(at, $"target {b} is not in the layout"); continue; }
                if (b == f.EntryBlock) Error(at, "the entry block cannot be a branch target");
                var args = f.TargetArgs(i, t);
                var ps = f.BlockParams(b);
                if (args.Length != ps.Length) { Error(at, $"{args.Length} arguments to {b}, which has {ps.Length} parameters"); continue; }
                for (int k = 0; k < args.Length; k++)
                {
                    if (!CheckValue(args[k], at)) continue;
                    IrType t1 = f.TypeOf(f.Resolve(args[k])), t2 = f.TypeOf(ps[k]);
                    if (t1 != t2) Error(at, $"argument {k} to {b} is {t1.Name()}, the parameter is {t2.Name()}");
                }
            }
        }

        // ---- Dominance.

        void CheckDominance()
        {
            _defPos = new int[f.ValueCount];
            foreach (var b in f.Blocks)
            {
                if (!_dom.IsReachable(b)) continue;
                int pos = 0;
                foreach (var i in f.InstsOf(b))
                {
                    foreach (var a in f.Args(i)) CheckUse(a, b, pos, i);
                    int n = f.TargetCount(i);
                    for (int t = 0; t < n; t++)
                        foreach (var a in f.TargetArgs(i, t)) CheckUse(a, b, pos, i);
                    ref readonly InstData d = ref f[i];
                    for (int r = 0; r < d.ResultCount; r++) _defPos[d.FirstResult + r] = pos + 1;
                    pos++;
                }
                // Positions are per block: clear this block's marks so a later block cannot see them as "earlier here".
                foreach (var i in f.InstsOf(b))
                {
                    ref readonly InstData d = ref f[i];
                    for (int r = 0; r < d.ResultCount; r++) _defPos[d.FirstResult + r] = 0;
                }
            }
        }

        void CheckUse(Value use, Block b, int pos, Inst i)
        {
            var v = f.Resolve(use);
            ref readonly ValueData vd = ref f.ValueInfo(v);
            Block defBlock = vd.Kind == ValueKind.Param ? new Block(vd.Owner) : f.BlockOf(new Inst(vd.Owner));
            bool ok;
            if (defBlock != b) ok = _dom.Dominates(defBlock, b);
            else ok = vd.Kind == ValueKind.Param || (_defPos[v.Index] > 0 && _defPos[v.Index] <= pos);
            if (!ok) Error(Where(i), $"the use of {v} is not dominated by its definition");
        }
    }
}
