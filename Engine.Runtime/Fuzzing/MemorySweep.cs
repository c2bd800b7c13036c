using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Runtime.Fuzzing;

/// <summary>
/// The memory part of the operator sweep: every load and store, at addresses and static offsets around the ends of
/// a one-page memory (32-bit, and 64-bit), with the address a constant (which a compiler may check and fold at
/// compile time) and from a parameter (checked at run time). The sweep knows the exact answer: an access of N bytes
/// at address a with offset k is in bounds iff a + k + N ≤ 65536 (no wrap-around), else it traps; a load returns
/// the bytes the data segments put there, extended as the operator says; a store followed by the matching
/// unsigned load returns the stored value, truncated.
/// </summary>
public static class MemorySweep
{
    const ulong Length = 65536;
    /// <summary>The known contents: every byte is <c>(i * 7 + 3) mod 256</c>, from data segments at both ends.</summary>
    const int Painted = 512;

    static byte ByteAt(ulong i) => i < Painted || i >= Length - Painted ? (byte)((i * 7 + 3) & 0xFF) : (byte)0;

    internal static IEnumerable<OperatorSweep.SweepItem> Items()
    {
        var ops = OperatorCatalog.Loads(ValKind.I32).ToArray().Concat(OperatorCatalog.Loads(ValKind.I64).ToArray())
            .Concat(OperatorCatalog.Loads(ValKind.F32).ToArray()).Concat(OperatorCatalog.Loads(ValKind.F64).ToArray())
            .Concat(OperatorCatalog.Stores.ToArray()).OrderBy(op => op).ToList();
        foreach (bool is64 in new[] { false, true })
            foreach (var op in ops)
            {
                var cases = Cases(op, is64);
                var module = Module(op, is64, cases);
                yield return new OperatorSweep.SweepItem($"{op.Mnemonic()} ({(is64 ? "i64" : "i32")} memory)", module, ForV8: !is64,
                    (runs, v8) => Check(op, is64, cases, runs, v8));
            }
    }

    static int Size(Opcode op) => 1 << op.NaturalAlignmentLog2();

    /// <summary>Addresses and offsets around 0, the end of the memory, and the ends of the address space.</summary>
    static List<(ulong Address, ulong Offset)> Cases(Opcode op, bool is64)
    {
        ulong n = (ulong)Size(op);
        var addresses = new List<ulong> { 0, 1, 255, 0x8000, Length - n - 1, Length - n, Length - n + 1, Length - 1, Length, Length + 1, 0x7FFF_FFFF, 0x8000_0000, 0xFFFF_FFFF, 0xFFFF_FFFF - n + 1 };
        var offsets = new List<ulong> { 0, 1, 3, Length - n, Length - n + 1, Length, 0x7FFF_FFFF, 0xFFFF_FFFF };
        if (is64)
        {
            addresses.AddRange([0x1_0000_0000, 0x1_0000_0000 - n, 0x8000_0000_0000_0000, ulong.MaxValue, ulong.MaxValue - n + 1]);
            offsets.AddRange([0x1_0000_0000, 0x8000_0000_0000_0000, ulong.MaxValue - 1]);
        }
        return addresses.SelectMany(a => offsets.Select(k => (a, k))).ToList();
    }

    static bool IsStore(Opcode op) => op.Results().Length == 0;

    /// <summary>The load that reads back what a store wrote: same width, zero-extended.</summary>
    static Opcode ReadBack(Opcode store)
    {
        string m = store.Mnemonic();   // i64.store16 → i64.load16_u, f32.store → f32.load
        string load = m.Replace(".store", ".load", StringComparison.Ordinal);
        if (load.Length > 0 && char.IsDigit(load[^1])) load += "_u";
        return OpcodeInfo.TryParseMnemonic(load, out var op) ? op : throw new InvalidOperationException($"no load for {m}");
    }

    /// <summary>The value a store of case <paramref name="index"/> writes: a pattern with every byte different.</summary>
    static ulong StoredBits(ValType t, int index)
    {
        ulong v = 0x8877_6655_4433_2211UL ^ ((ulong)index * 0x0101_0101_0101_0101UL);
        return t.Kind is ValKind.I32 or ValKind.F32 ? v & 0xFFFF_FFFF : v;
    }

    static GModule Module(Opcode op, bool is64, List<(ulong Address, ulong Offset)> cases)
    {
        var m = new GModule { FuelGlobal = 0 };
        m.Globals.Add(new GGlobal(new GlobalType(ValType.I32, true), new GConst(ValType.I32, GModule.FuelPerCall)));
        ValType at = is64 ? ValType.I64 : ValType.I32;
        m.Memories.Add(new GMemory(new MemoryType(new Limits(1, 1, is64))));
        m.Datas.Add(new GData(SegmentMode.Active, 0, new GConst(at, 0), Enumerable.Range(0, Painted).Select(i => ByteAt((ulong)i)).ToArray()));
        m.Datas.Add(new GData(SegmentMode.Active, 0, new GConst(at, Length - Painted), Enumerable.Range(0, Painted).Select(i => ByteAt(Length - Painted + (ulong)i)).ToArray()));
        bool store = IsStore(op);
        Opcode load = store ? ReadBack(op) : op;
        ValType result = OperatorCatalog.ToValType(load.Results()[0], at);
        ValType value = store ? OperatorCatalog.ToValType(op.Params()[1], at) : default;
        for (int i = 0; i < cases.Count; i++)
        {
            var (address, offset) = cases[i];
            if (!is64) address = (uint)address;
            var imm = new GImm { Offset = offset, AlignLog2 = op.NaturalAlignmentLog2() };
            var loadImm = new GImm { Offset = offset, AlignLog2 = load.NaturalAlignmentLog2() };
            GFunc Function(ValType[] parameters, Func<GNode> addressNode, Func<GNode>? valueNode)
            {
                int t = m.TypeIndex(parameters, [result]);
                var f = new GFunc(m.Types[t], t);
                if (valueNode is not null) f.Body.Add(new GOp(op, [addressNode(), valueNode()], [], imm));
                f.Body.Add(new GOp(load, [addressNode()], [result], loadImm));
                m.Funcs.Add(f);
                return f;
            }
            GNode Param(int index, ValType t) => new GOp(Opcode.LocalGet, [], [t], new GImm { Index = index });
            ulong bits = store ? StoredBits(value, i) : 0;
            var fromParameter = Function(store ? [at, value] : [at], () => Param(0, at), store ? () => Param(1, value) : null);
            m.Calls.Add(new Invocation(fromParameter, store ? [new ArgValue(at, address), new ArgValue(value, bits)] : [new ArgValue(at, address)]));
            var constant = Function([], () => new GConst(at, address), store ? () => new GConst(value, bits) : null);
            m.Calls.Add(new Invocation(constant, []));
        }
        return m;
    }

    /// <summary>What the access must do: trap, or give these bits.</summary>
    static (bool Traps, ulong Bits) Expected(Opcode op, bool is64, ulong address, ulong offset, int index)
    {
        if (!is64) address = (uint)address;
        bool store = IsStore(op);
        Opcode load = store ? ReadBack(op) : op;
        ulong n = (ulong)Size(op);
        ulong end = address + offset;
        if (end < address || end > Length || n > Length - end) return (true, 0);
        ValType at = is64 ? ValType.I64 : ValType.I32;
        if (store)
        {
            ulong stored = StoredBits(OperatorCatalog.ToValType(op.Params()[1], at), index);
            return (false, n == 8 ? stored : stored & ((1UL << (int)(8 * n)) - 1));
        }
        ulong raw = 0;
        for (ulong i = 0; i < n; i++) raw |= (ulong)ByteAt(end + i) << (int)(8 * i);
        string m = load.Mnemonic();
        bool signed = m.EndsWith("_s", StringComparison.Ordinal);
        int resultBits = m.StartsWith("i64", StringComparison.Ordinal) || m.StartsWith("f64", StringComparison.Ordinal) ? 64 : 32;
        if (signed && n < 8)
        {
            int shift = 64 - 8 * (int)n;
            raw = (ulong)((long)(raw << shift) >> shift);
        }
        if (resultBits == 32) raw &= 0xFFFF_FFFF;
        return (false, raw);
    }

    static IEnumerable<(GModule Small, Divergence Divergence)> Check(Opcode op, bool is64, List<(ulong Address, ulong Offset)> cases,
        List<RunOutcome> runs, RunOutcome? v8)
    {
        string name = $"{op.Mnemonic()} ({(is64 ? "i64" : "i32")} memory)";
        foreach (var run in runs.Concat(v8 is null ? [] : [v8]))
        {
            if (run.Steps.Count < 2 + 2 * cases.Count)
            {
                var f = run.Failure ?? run.Steps[^1];
                yield return (Module(op, is64, cases), new Divergence($"{run.Target}: {name}: the module did not run ({f.Kind})", f.ToString()));
                yield break;
            }
            for (int i = 0; i < cases.Count; i++)
            {
                var (address, offset) = cases[i];
                var (traps, bits) = Expected(op, is64, address, offset, i);
                for (int form = 0; form < 2; form++)
                {
                    var step = run.Steps[2 + 2 * i + form];
                    bool ok = traps
                        ? step.Kind == StepKind.Trapped && (step.Trap == TrapCode.MemoryOutOfBounds || V8Traps.Matches(step.Detail, TrapCode.MemoryOutOfBounds))
                        : step.Kind == StepKind.Ok && step.Values.Length == 1 && (step.Values[0].Bits == bits
                            || (run.Target == "v8" && EdgeValues.IsNan(step.Values[0].Kind, step.Values[0].Bits) && EdgeValues.IsNan(step.Values[0].Kind, bits)));
                    if (ok) continue;
                    string expected = traps ? "a trap (out of bounds)" : FuzzValue.Number(step.Values.Length == 1 ? step.Values[0].Kind : ValKind.I64, bits).ToString();
                    var small = Module(op, is64, [cases[i]]);
                    // The small module has one case: its stored pattern is that of case 0.
                    yield return (small, new Divergence($"{run.Target}: {name}: {(form == 0 ? "address from a parameter" : "constant address")} wrong",
                        $"{name} at address 0x{address:x} offset 0x{offset:x}: expected {expected}, got {step}"));
                    break;
                }
            }
        }
    }
}
