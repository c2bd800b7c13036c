using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// Makes a generated module deterministic where the spec is not: an arithmetic NaN's sign and payload are left
/// open, so two correct engines may differ in those bits — but only code that looks at the bits can tell. This
/// pass wraps every float value that reaches such a place in <see cref="GCanon"/> (NaN → the positive canonical
/// NaN), and only when the value may be an arithmetic NaN; everywhere else float values flow as the generator
/// made them (through registers, from operator to operator).
/// </summary>
/// <remarks>
/// <para>The places that see bits: a float store's value, a reinterpretation's operand, both operands of
/// copysign (one gives the payload, the other the sign), a global.set's value (globals are compared at the end),
/// and everything that leaves the function — its results, and the values of return and of branches to the
/// function's own label. Every other use cannot tell NaNs apart (arithmetic gives a NaN for any NaN,
/// comparisons are false, truncations trap or saturate alike).</para>
/// <para>"May be an arithmetic NaN" is a conservative syntactic test: constants, loads, reinterpretations of
/// integers and canonicalised values are exact; abs, neg, copysign and select are exact when their float operands
/// are; arithmetic, and anything whose value comes from elsewhere (locals, globals, parameters, calls, blocks), may
/// be one.</para>
/// <para>The pass is idempotent; the generator runs it once, the shrinker after every edit.</para>
/// </remarks>
public static class NanCanonicalizer
{
    public static void Apply(GModule module)
    {
        foreach (var f in module.Funcs) new Pass(f).Run();
    }

    /// <summary>Whether <paramref name="node"/>'s value may be a NaN whose bits the spec leaves open.</summary>
    public static bool MayBeArithmeticNan(GNode node)
    {
        if (node.Results is not [var t] || !IsFloat(t)) return false;
        switch (node)
        {
            case GConst or GCanon: return false;
            case GOp op:
                if (op.Op.Immediates() == ImmediateKind.MemArg) return false;   // a load
                if (OperatorCatalog.MayProduceArithmeticNan(op.Op)) return true;
                if (op.Op.HasFixedSignature() || op.Op is Opcode.Select or Opcode.SelectTyped)
                {
                    // abs, neg, copysign, reinterpret, select: exact when their float operands are.
                    foreach (var a in op.Args) if (MayBeArithmeticNan(a)) return true;
                    return false;
                }
                return true;   // local.get/tee, global.get, calls, branches: the value comes from elsewhere
            default:
                return true;
        }
    }

    static bool IsFloat(ValType t) => t.Kind is ValKind.F32 or ValKind.F64;

    sealed class Pass(GFunc f)
    {
        public void Run()
        {
            SinkList(f.Body);
            Walk(f.Body);
        }

        void Walk(List<GNode> nodes)
        {
            foreach (var node in nodes)
            {
                if (node is GOp op) SinkOperands(op);
                foreach (var children in node.ChildLists) Walk(children);
            }
        }

        void SinkOperands(GOp op)
        {
            string m = op.Op.Mnemonic();
            bool leaves = ReferenceEquals(op.Imm.Target, f) || (op.Imm.Targets?.Any(t => ReferenceEquals(t, f)) ?? false);
            switch (op.Op)
            {
                case Opcode.Return:
                    SinkList(op.Args);
                    return;
                case Opcode.Br or Opcode.BrIf or Opcode.BrTable when leaves:
                    SinkList(op.Args);
                    return;
                case Opcode.GlobalSet:
                    SinkAt(op.Args, 0);
                    return;
            }
            if (op.Op.Immediates() == ImmediateKind.MemArg && op.Args.Count == 2) SinkAt(op.Args, 1);
            else if (m.Contains(".reinterpret_f", StringComparison.Ordinal)) SinkAt(op.Args, 0);
            else if (m.EndsWith(".copysign", StringComparison.Ordinal)) { SinkAt(op.Args, 0); SinkAt(op.Args, 1); }
        }

        /// <summary>
        /// Canonicalises every value in a list that leaves the function. In a function body, the nodes with results
        /// are the ones that leave them (statements leave nothing); in a branch's operands, all but a condition or
        /// index do, and those are integers.
        /// </summary>
        void SinkList(List<GNode> nodes)
        {
            for (int i = 0; i < nodes.Count; i++)
            {
                var node = nodes[i];
                if (node.Results.Length == 1) SinkAt(nodes, i);
                else if (node.Results.Length > 1 && node.Results.Any(IsFloat))
                {
                    // Take a multi-value result apart into locals and push each back, canonicalised where it is a float.
                    var locals = node.Results.Select(t => NewLocal(t)).ToArray();
                    var replacement = new List<GNode> { new GUnpack(node, locals) };
                    for (int r = 0; r < locals.Length; r++)
                    {
                        var get = new GOp(Opcode.LocalGet, [], [node.Results[r]], new GImm { Index = locals[r] });
                        replacement.Add(IsFloat(node.Results[r]) ? new GCanon(get, Scratch(node.Results[r])) : get);
                    }
                    nodes.RemoveAt(i);
                    nodes.InsertRange(i, replacement);
                    i += replacement.Count - 1;
                }
            }
        }

        void SinkAt(List<GNode> nodes, int i)
        {
            if (MayBeArithmeticNan(nodes[i])) nodes[i] = new GCanon(nodes[i], Scratch(nodes[i].Results[0]));
        }

        int NewLocal(ValType t)
        {
            f.Locals.Add(t);
            return f.LocalCount - 1;
        }

        /// <summary>The function's scratch local for <see cref="GCanon"/>: made once per float type, read by nothing else.</summary>
        int Scratch(ValType t)
        {
            if (t.Kind == ValKind.F32) return f.ScratchF32 >= 0 ? f.ScratchF32 : f.ScratchF32 = NewLocal(ValType.F32);
            return f.ScratchF64 >= 0 ? f.ScratchF64 : f.ScratchF64 = NewLocal(ValType.F64);
        }
    }
}
