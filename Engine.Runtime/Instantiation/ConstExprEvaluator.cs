using Hoist.Runtime.Values;
using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Runtime.Instantiation;

/// <summary>
/// Evaluates a validated constant expression in an instance being built: the numeric constants,
/// extended-const arithmetic (i32/i64 add, sub, mul), <c>global.get</c>, <c>ref.null</c> and <c>ref.func</c>.
/// The result is a raw value slot (see <see cref="ValueSlot"/>); i32 results are zero-extended.
/// </summary>
internal static unsafe class ConstExprEvaluator
{
    public static ValueSlot Evaluate(Instance instance, ConstExpr expr)
    {
        ReadOnlySpan<byte> code = expr.Code.Span;
        // Every instruction takes at least one byte, so the stack never holds more values than bytes.
        Span<ValueSlot> stack = code.Length <= 64 ? stackalloc ValueSlot[64] : new ValueSlot[code.Length];
        int sp = 0;
        var reader = OperatorReader.ForConstExpr(code, Math.Max(expr.Offset, 0));
        var op = default(Operator);
        while (!reader.AtEnd)
        {
            reader.Read(ref op);
            switch (op.Opcode)
            {
                case Opcode.I32Const: stack[sp++] = new ValueSlot((uint)op.Bits); break;
                case Opcode.I64Const:
                case Opcode.F32Const:
                case Opcode.F64Const: stack[sp++] = new ValueSlot(op.Bits); break;
                case Opcode.V128Const: stack[sp++] = new ValueSlot(op.V128.Low, op.V128.High); break;
                case Opcode.RefNull: stack[sp++] = default; break;
                case Opcode.RefFunc: stack[sp++] = new ValueSlot((ulong)instance.FuncRefOf(op.Index)); break;
                case Opcode.GlobalGet: stack[sp++] = Read(instance.Globals[op.Index]); break;
                case Opcode.I32Add: sp--; stack[sp - 1] = new ValueSlot((uint)(stack[sp - 1].Lo + stack[sp].Lo)); break;
                case Opcode.I32Sub: sp--; stack[sp - 1] = new ValueSlot((uint)(stack[sp - 1].Lo - stack[sp].Lo)); break;
                case Opcode.I32Mul: sp--; stack[sp - 1] = new ValueSlot((uint)((uint)stack[sp - 1].Lo * (uint)stack[sp].Lo)); break;
                case Opcode.I64Add: sp--; stack[sp - 1] = new ValueSlot(stack[sp - 1].Lo + stack[sp].Lo); break;
                case Opcode.I64Sub: sp--; stack[sp - 1] = new ValueSlot(stack[sp - 1].Lo - stack[sp].Lo); break;
                case Opcode.I64Mul: sp--; stack[sp - 1] = new ValueSlot(stack[sp - 1].Lo * stack[sp].Lo); break;
                case Opcode.End: break;
                default:
                    throw new NotSupportedException($"the constant instruction {op.Opcode.Mnemonic()} is not supported yet (GC)");
            }
        }
        if (sp != 1) throw new InvalidOperationException("a validated constant expression left " + sp + " values");
        return stack[0];
    }

    // A global's value, with a 32-bit value's upper half cleared whatever code wrote there.
    static ValueSlot Read(Global g)
    {
        ValueSlot s = *(ValueSlot*)g.Cell;
        if (g.Type.Type.Kind is ValKind.I32 or ValKind.F32) s = new ValueSlot((uint)s.Lo);
        return s;
    }
}
