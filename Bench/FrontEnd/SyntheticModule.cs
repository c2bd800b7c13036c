using Hoist.Wasm;
using Hoist.Wasm.Binary;

namespace Hoist.Bench.FrontEnd;

/// <summary>
/// Generates a large, valid module shaped like compiled C (locals, loops with br_if, masked loads and
/// stores, calls, if/else, i64 and f64 arithmetic), deterministic from a seed. Used where a benchmark
/// needs megabytes of code and the project's C corpus is not at hand.
/// </summary>
public static class SyntheticModule
{
    /// <summary>Builds a module whose code section is at least <paramref name="minCodeBytes"/> long.</summary>
    public static byte[] Build(int minCodeBytes, int seed = 42)
    {
        var random = new Random(seed);
        var module = new WasmModule();
        var sig = new FuncType([ValType.I32, ValType.I32], [ValType.I32]);
        module.Types.Add(new SubType(true, [], sig));
        module.RecGroups.Add(new RecGroup(0, 1, false));
        module.Memories.Add(new MemoryType(new Limits(1, null)));
        int total = 0;
        var w = new WasmWriter(4096);
        while (total < minCodeBytes)
        {
            w.Clear();
            new BodyWriter(w, random, module.Functions.Count).Function();
            module.Functions.Add(0);
            module.Code.Add(new FunctionBody([new LocalGroup(4, ValType.I32), new LocalGroup(2, ValType.I64), new LocalGroup(2, ValType.F64)], w.ToArray()));
            total += w.Length;
        }
        module.Exports.Add(new Export("main", ExternKind.Func, (uint)module.Functions.Count - 1));
        return ModuleEncoder.Encode(module);
    }

    /// <summary>Locals: 0-1 params (i32), 2-5 i32, 6-7 i64, 8-9 f64.</summary>
    sealed class BodyWriter(WasmWriter w, Random random, int functionIndex)
    {
        int _depth;

        public void Function()
        {
            int statements = 6 + random.Next(14);
            for (int i = 0; i < statements; i++) Statement();
            I32Expr(3);
            w.Opcode(Opcode.End);
        }

        void Statement()
        {
            switch (random.Next(_depth < 3 ? 8 : 5))
            {
                case 0: case 1: I32Expr(3); LocalSet(2 + random.Next(4)); break;
                case 2:
                    MaskedAddress(); I32Expr(2);
                    w.Opcode(Opcode.I32Store); w.U32(2); w.U32((uint)random.Next(64) * 4);
                    break;
                case 3:
                    I32Expr(2); w.Opcode(Opcode.I64ExtendI32S); LocalGet(6); w.Opcode(Opcode.I64Add); LocalSet(6 + random.Next(2));
                    break;
                case 4:
                    I32Expr(2); w.Opcode(Opcode.F64ConvertI32S); LocalGet(8); w.Opcode(Opcode.F64Mul);
                    w.Opcode(Opcode.F64Const); w.F64Bits(BitConverter.DoubleToUInt64Bits(0.5)); w.Opcode(Opcode.F64Add); LocalSet(8 + random.Next(2));
                    break;
                case 5:
                    I32Expr(2); w.Opcode(Opcode.If); w.Byte(0x40); Nested(); w.Opcode(Opcode.Else); Nested(); w.Opcode(Opcode.End);
                    break;
                case 6:
                    // A counted loop: block loop ... (br_if 0 (local.tee 5 (i32.sub (local.get 5) 1))) end end
                    w.Opcode(Opcode.I32Const); w.S32(1 + random.Next(100)); LocalSet(5);
                    w.Opcode(Opcode.Block); w.Byte(0x40); w.Opcode(Opcode.Loop); w.Byte(0x40);
                    Nested();
                    LocalGet(5); w.Opcode(Opcode.I32Const); w.S32(1); w.Opcode(Opcode.I32Sub); w.Opcode(Opcode.LocalTee); w.U32(5);
                    w.Opcode(Opcode.BrIf); w.U32(0); w.Opcode(Opcode.End); w.Opcode(Opcode.End);
                    break;
                default:
                    if (functionIndex == 0) goto case 0;
                    I32Expr(1); I32Expr(1); w.Opcode(Opcode.Call); w.U32((uint)random.Next(functionIndex)); LocalSet(2 + random.Next(4));
                    break;
            }
        }

        void Nested()
        {
            _depth++;
            int n = 1 + random.Next(3);
            for (int i = 0; i < n; i++) Statement();
            _depth--;
        }

        void I32Expr(int depth)
        {
            switch (depth == 0 ? random.Next(2) : random.Next(7))
            {
                case 0: w.Opcode(Opcode.I32Const); w.S32(random.Next(-1000, 100000)); break;
                case 1: LocalGet(random.Next(6)); break;
                case 2: case 3:
                    I32Expr(depth - 1); I32Expr(depth - 1);
                    w.Opcode(s_binops[random.Next(s_binops.Length)]);
                    break;
                case 4: MaskedAddress(); w.Opcode(Opcode.I32Load); w.U32(2); w.U32((uint)random.Next(64) * 4); break;
                case 5: I32Expr(depth - 1); w.Opcode(Opcode.I32Eqz); break;
                default: I32Expr(depth - 1); I32Expr(depth - 1); I32Expr(depth - 1); w.Opcode(Opcode.Select); break;
            }
        }

        static readonly Opcode[] s_binops =
            [Opcode.I32Add, Opcode.I32Sub, Opcode.I32Mul, Opcode.I32And, Opcode.I32Or, Opcode.I32Xor, Opcode.I32Shl, Opcode.I32ShrU, Opcode.I32LtS, Opcode.I32Ne];

        void MaskedAddress()
        {
            I32Expr(1); w.Opcode(Opcode.I32Const); w.S32(0xFF00); w.Opcode(Opcode.I32And);
        }

        void LocalGet(int i) { w.Opcode(Opcode.LocalGet); w.U32((uint)i); }
        void LocalSet(int i) { w.Opcode(Opcode.LocalSet); w.U32((uint)i); }
    }
}
