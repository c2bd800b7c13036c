using Hoist.Optimizing.Ir;
using Hoist.Wasm;

namespace Hoist.Optimizing.Translate;

/// <summary>How the translator handles a wasm operator.</summary>
enum WasmOpKind : byte
{
    /// <summary>By hand in the translator (control, variables, calls, references, tables, bulk memory...).</summary>
    Special,
    /// <summary>One IR instruction on the operands: <see cref="WasmOpEntry.Op"/>, result type from the wasm signature.</summary>
    Pure,
    /// <summary><c>icmp</c> with <see cref="WasmOpEntry.Cond"/>.</summary>
    IntCompare,
    /// <summary><c>fcmp</c> with <see cref="WasmOpEntry.Cond"/>.</summary>
    FloatCompare,
    /// <summary><c>eqz</c>: <c>icmp eq x, 0</c>.</summary>
    Eqz,
    /// <summary>A load of 2^<see cref="OpcodeInfo.NaturalAlignmentLog2"/> bytes with <see cref="WasmOpEntry.Op"/>.</summary>
    Load,
    /// <summary>A store of 2^<see cref="OpcodeInfo.NaturalAlignmentLog2"/> bytes with <see cref="WasmOpEntry.Op"/>.</summary>
    Store,
}

readonly record struct WasmOpEntry(WasmOpKind Kind, Op Op, byte Cond);

/// <summary>
/// The translation of every numeric, comparison, conversion, load and store operator, derived from the
/// wasm mnemonics (<c>type.operation</c>) of the opcode table by the operation's name, so i32/i64 and
/// f32/f64 share one rule each. Everything not derived here is translated by hand. Indexed by <see cref="Opcode"/>.
/// </summary>
static class WasmOpMap
{
    public static WasmOpEntry Get(Opcode op) => s_entries[(int)op];

    static readonly Dictionary<string, Op> s_intPure = new()
    {
        ["add"] = Op.Iadd, ["sub"] = Op.Isub, ["mul"] = Op.Imul, ["div_s"] = Op.Sdiv, ["div_u"] = Op.Udiv,
        ["rem_s"] = Op.Srem, ["rem_u"] = Op.Urem, ["and"] = Op.Band, ["or"] = Op.Bor, ["xor"] = Op.Bxor,
        ["shl"] = Op.Ishl, ["shr_s"] = Op.Sshr, ["shr_u"] = Op.Ushr, ["rotl"] = Op.Rotl, ["rotr"] = Op.Rotr,
        ["clz"] = Op.Clz, ["ctz"] = Op.Ctz, ["popcnt"] = Op.Popcnt,
        ["extend8_s"] = Op.Sext8, ["extend16_s"] = Op.Sext16, ["extend32_s"] = Op.Sext32,
        ["wrap_i64"] = Op.Ireduce, ["extend_i32_s"] = Op.Sextend, ["extend_i32_u"] = Op.Uextend,
    };

    static readonly Dictionary<string, Op> s_floatPure = new()
    {
        ["add"] = Op.Fadd, ["sub"] = Op.Fsub, ["mul"] = Op.Fmul, ["div"] = Op.Fdiv, ["min"] = Op.Fmin,
        ["max"] = Op.Fmax, ["copysign"] = Op.Fcopysign, ["abs"] = Op.Fabs, ["neg"] = Op.Fneg, ["sqrt"] = Op.Fsqrt,
        ["ceil"] = Op.Fceil, ["floor"] = Op.Ffloor, ["trunc"] = Op.Ftrunc, ["nearest"] = Op.Fnearest,
        ["demote_f64"] = Op.Fdemote, ["promote_f32"] = Op.Fpromote,
    };

    static readonly Dictionary<string, IntCC> s_intCompare = new()
    {
        ["eq"] = IntCC.Eq, ["ne"] = IntCC.Ne, ["lt_s"] = IntCC.Slt, ["lt_u"] = IntCC.Ult, ["gt_s"] = IntCC.Sgt,
        ["gt_u"] = IntCC.Ugt, ["le_s"] = IntCC.Sle, ["le_u"] = IntCC.Ule, ["ge_s"] = IntCC.Sge, ["ge_u"] = IntCC.Uge,
    };

    static readonly Dictionary<string, FloatCC> s_floatCompare = new()
    {
        ["eq"] = FloatCC.Eq, ["ne"] = FloatCC.Ne, ["lt"] = FloatCC.Lt, ["gt"] = FloatCC.Gt, ["le"] = FloatCC.Le, ["ge"] = FloatCC.Ge,
    };

    // Declared after the name tables, which Build reads: static fields initialise in textual order.
    static readonly WasmOpEntry[] s_entries = Build();

    static WasmOpEntry[] Build()
    {
        var entries = new WasmOpEntry[OpcodeInfo.Count];
        for (int i = 0; i < entries.Length; i++)
        {
            var op = (Opcode)i;
            if (!op.HasFixedSignature() || op.RequiredFeature() is not (Feature.Mvp or Feature.Signext or Feature.Satconv)) continue;
            string m = op.Mnemonic();
            int dot = m.IndexOf('.');
            if (dot < 0) continue;
            entries[i] = Classify(op, m[..dot], m[(dot + 1)..]);
        }
        return entries;
    }

    static WasmOpEntry Classify(Opcode op, string type, string name)
    {
        bool isInt = type is "i32" or "i64", isFloat = type is "f32" or "f64";
        if (!isInt && !isFloat) return default;
        if (op.Immediates() == ImmediateKind.MemArg) return Memory(name);
        if (isInt && name == "eqz") return new(WasmOpKind.Eqz, Op.Iconst, 0);
        if (isInt && s_intCompare.TryGetValue(name, out var icc)) return new(WasmOpKind.IntCompare, Op.Icmp, (byte)icc);
        if (isFloat && s_floatCompare.TryGetValue(name, out var fcc)) return new(WasmOpKind.FloatCompare, Op.Fcmp, (byte)fcc);
        if (isInt && s_intPure.TryGetValue(name, out var iop)) return new(WasmOpKind.Pure, iop, 0);
        if (isFloat && s_floatPure.TryGetValue(name, out var fop)) return new(WasmOpKind.Pure, fop, 0);
        bool signed = name.EndsWith("_s", StringComparison.Ordinal);
        if (name.StartsWith("trunc_sat_", StringComparison.Ordinal)) return new(WasmOpKind.Pure, signed ? Op.FcvtToSintSat : Op.FcvtToUintSat, 0);
        if (name.StartsWith("trunc_", StringComparison.Ordinal)) return new(WasmOpKind.Pure, signed ? Op.FcvtToSint : Op.FcvtToUint, 0);
        if (name.StartsWith("convert_", StringComparison.Ordinal)) return new(WasmOpKind.Pure, signed ? Op.FcvtFromSint : Op.FcvtFromUint, 0);
        if (name.StartsWith("reinterpret_", StringComparison.Ordinal)) return new(WasmOpKind.Pure, Op.Bitcast, 0);
        return default;
    }

    /// <summary>load, loadN_s/u, store, storeN: the access size comes from the natural alignment.</summary>
    static WasmOpEntry Memory(string name)
    {
        if (name == "load") return new(WasmOpKind.Load, Op.Load, 0);
        if (name == "store") return new(WasmOpKind.Store, Op.Store, 0);
        Op? load = name switch
        {
            "load8_s" => Op.Sload8, "load8_u" => Op.Uload8, "load16_s" => Op.Sload16, "load16_u" => Op.Uload16,
            "load32_s" => Op.Sload32, "load32_u" => Op.Uload32, _ => null,
        };
        if (load is Op l) return new(WasmOpKind.Load, l, 0);
        Op? store = name switch { "store8" => Op.Istore8, "store16" => Op.Istore16, "store32" => Op.Istore32, _ => null };
        return store is Op s ? new(WasmOpKind.Store, s, 0) : default;
    }
}
