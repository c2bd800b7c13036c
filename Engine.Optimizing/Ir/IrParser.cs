using System.Globalization;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Text;

namespace Hoist.Optimizing.Ir;

/// <summary>
/// Reads the text form <see cref="IrPrinter"/> writes back into a <see cref="Function"/>, keeping the
/// text's value and block numbers (so printing the result gives the same text) and its block order.
/// Values may be used before their definition (as SSA across blocks allows); every used value must be
/// defined exactly once somewhere, and the results of one instruction must be consecutive numbers.
/// Syntax errors are <see cref="MalformedException"/>s with line and column. The parsed function is not
/// verified: run <see cref="Verifier"/> for the semantic rules.
/// </summary>
public static class IrParser
{
    /// <summary>Parses text holding exactly one function.</summary>
    public static Function Parse(string text, string? file = null)
    {
        var all = ParseAll(text, file);
        if (all.Count != 1) throw new MalformedException($"expected one function, found {all.Count}", SourceLocation.AtLine(1, 1, file));
        return all[0];
    }

    /// <summary>Parses every function in the text.</summary>
    public static List<Function> ParseAll(string text, string? file = null)
    {
        var p = new Impl(IrLexer.Tokenize(text, file), file);
        var result = new List<Function>();
        while (p.Peek.Kind != IrTokenKind.Eof) result.Add(p.ParseFunction());
        return result;
    }

    sealed class Impl(List<IrToken> tokens, string? file)
    {
        int _pos;
        Function _f = null!;
        readonly List<Value> _args = new();
        readonly Dictionary<int, IrToken> _firstUse = new();

        public IrToken Peek => tokens[_pos];
        IrToken PeekAt(int k) => tokens[Math.Min(_pos + k, tokens.Count - 1)];
        IrToken Next() => tokens[_pos == tokens.Count - 1 ? _pos : _pos++];

        MalformedException Error(string message, IrToken at) => IrLexer.Error(message, at.Line, at.Column, file);

        bool IsPunct(string p) => Peek.Kind == IrTokenKind.Punct && Peek.Text == p;

        void Expect(string p)
        {
            var t = Next();
            if (t.Kind != IrTokenKind.Punct || t.Text != p) throw Error($"expected '{p}'", t);
        }

        bool Accept(string p)
        {
            if (!IsPunct(p)) return false;
            _pos++;
            return true;
        }

        string Word(string what)
        {
            var t = Next();
            if (t.Kind != IrTokenKind.Word) throw Error($"expected {what}", t);
            return t.Text;
        }

        static bool TryEntity(string text, string prefix, out int n)
        {
            n = 0;
            return text.StartsWith(prefix, StringComparison.Ordinal) && text.Length > prefix.Length
                && char.IsAsciiDigit(text[prefix.Length])
                && int.TryParse(text.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out n)
                && (n == 0 || text[prefix.Length] != '0');
        }

        int Entity(string prefix)
        {
            var t = Next();
            if (t.Kind != IrTokenKind.Word || !TryEntity(t.Text, prefix, out int n)) throw Error($"expected {prefix}N", t);
            return n;
        }

        // ---- Function.

        public Function ParseFunction()
        {
            var kw = Next();
            if (kw.Kind != IrTokenKind.Word || kw.Text != "function") throw Error("expected 'function'", kw);
            var name = Next();
            if (name.Kind != IrTokenKind.FuncName) throw Error("expected a function name (%name)", name);
            var sig = ParseSignature();
            Expect("{");
            _f = new Function(name.Text, sig);
            _firstUse.Clear();
            Prescan();
            ParseDeclarations();
            while (!IsPunct("}"))
            {
                if (Peek.Kind == IrTokenKind.Eof) throw Error("expected '}'", Peek);
                ParseBlock();
            }
            Next();
            CheckDefined();
            return _f;
        }

        /// <summary>Allocates every value and block number the function's text mentions, so definitions can keep them.</summary>
        void Prescan()
        {
            int maxValue = -1, maxBlock = -1;
            for (int k = _pos; k < tokens.Count; k++)
            {
                var t = tokens[k];
                if (t.Kind == IrTokenKind.Punct && t.Text == "}") break;
                if (t.Kind != IrTokenKind.Word) continue;
                if (TryEntity(t.Text, "v", out int v)) maxValue = Math.Max(maxValue, v);
                else if (TryEntity(t.Text, "block", out int b)) maxBlock = Math.Max(maxBlock, b);
            }
            const int Limit = 1 << 24;
            if (maxValue >= Limit || maxBlock >= Limit) throw Error("entity number too large", Peek);
            _f.EnsureValues(maxValue + 1);
            _f.EnsureBlocks(maxBlock + 1);
        }

        Signature ParseSignature()
        {
            var convTok = Next();
            CallConv conv = convTok.Text switch
            {
                "wasm" when convTok.Kind == IrTokenKind.Word => CallConv.Wasm,
                "sysv" when convTok.Kind == IrTokenKind.Word => CallConv.SystemV,
                _ => throw Error("expected a calling convention (wasm or sysv)", convTok),
            };
            Expect("(");
            var ps = new List<IrType>();
            if (!Accept(")"))
            {
                do ps.Add(ParseType()); while (Accept(","));
                Expect(")");
            }
            var rs = new List<IrType>();
            if (Peek.Kind == IrTokenKind.Arrow)
            {
                Next();
                do rs.Add(ParseType()); while (Accept(","));
            }
            return new Signature(conv, ps.ToArray(), rs.ToArray());
        }

        IrType ParseType()
        {
            var t = Next();
            if (t.Kind != IrTokenKind.Word || !IrTypes.TryParse(t.Text, out var type)) throw Error("expected a type (i32, i64, f32, f64)", t);
            return type;
        }

        void ParseDeclarations()
        {
            while (Peek.Kind == IrTokenKind.Word && PeekAt(1) is { Kind: IrTokenKind.Punct, Text: "=" })
            {
                var t = Peek;
                if (TryEntity(t.Text, "sig", out int s))
                {
                    if (s != _f.Signatures.Count) throw Error($"expected sig{_f.Signatures.Count} (signatures are numbered in order)", t);
                    _pos += 2;
                    _f.AddSignatureRaw(ParseSignature());
                }
                else if (TryEntity(t.Text, "fn", out int fn))
                {
                    if (fn != _f.ExtFuncs.Count) throw Error($"expected fn{_f.ExtFuncs.Count} (functions are numbered in order)", t);
                    _pos += 2;
                    if (Word("'func'") != "func") throw Error("expected 'func'", tokens[_pos - 1]);
                    var idx = Next();
                    if (idx.Kind != IrTokenKind.Word || !NumericLiterals.TryParseU32(idx.Text, out uint wasmIndex)) throw Error("expected a function index", idx);
                    int sig = Entity("sig");
                    if (sig >= _f.Signatures.Count) throw Error($"unknown signature sig{sig}", tokens[_pos - 1]);
                    _f.AddExtFuncRaw(new ExtFunc(wasmIndex, new SigRef(sig)));
                }
                else throw Error("expected a declaration (sigN = ... or fnN = ...)", t);
            }
        }

        // ---- Blocks.

        void ParseBlock()
        {
            var header = Peek;
            var block = new Block(Entity("block"));
            if (_f.IsInLayout(block)) throw Error($"{block} is defined twice", header);
            _f.AppendBlock(block);
            if (Accept("("))
            {
                do
                {
                    var vt = Peek;
                    var v = new Value(Entity("v"));
                    Expect(":");
                    var type = ParseType();
                    if (_f.ValueInfo(v).Kind != ValueKind.Free) throw Error($"{v} is defined twice", vt);
                    _f.AttachBlockParam(block, v, type);
                } while (Accept(","));
                Expect(")");
            }
            Expect(":");
            while (!IsPunct("}") && !(Peek.Kind == IrTokenKind.Word && TryEntity(Peek.Text, "block", out _)))
            {
                if (Peek.Kind == IrTokenKind.Eof) throw Error("expected '}'", Peek);
                ParseInst(block);
            }
        }

        // ---- Instructions.

        void ParseInst(Block block)
        {
            int srcloc = -1;
            if (Peek.Kind == IrTokenKind.SourceOffset)
            {
                var t = Next();
                if (!int.TryParse(t.Text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out srcloc) || srcloc < 0)
                    throw Error("source offset out of range", t);
            }
            var start = Peek;
            int firstResult = -1, resultCount = 0;
            if (Peek.Kind == IrTokenKind.Word && TryEntity(Peek.Text, "v", out _) && PeekAt(1) is { Kind: IrTokenKind.Punct, Text: "," or "=" })
            {
                do
                {
                    var rt = Peek;
                    int v = Entity("v");
                    if (resultCount == 0) firstResult = v;
                    else if (v != firstResult + resultCount) throw Error("the results of one instruction must be consecutive values", rt);
                    if (_f.ValueInfo(new Value(v)).Kind != ValueKind.Free) throw Error($"v{v} is defined twice", rt);
                    resultCount++;
                } while (Accept(","));
                Expect("=");
            }
            var mn = Next();
            if (mn.Kind != IrTokenKind.Word) throw Error("expected an instruction", mn);
            int dot = mn.Text.IndexOf('.');
            string opName = dot < 0 ? mn.Text : mn.Text[..dot];
            if (!OpInfo.TryParse(opName, out Op op)) throw Error($"unknown instruction '{opName}'", mn);
            IrType ctrl = IrType.Invalid;
            if (op.HasCtrl())
            {
                if (dot < 0 || !IrTypes.TryParse(mn.Text.AsSpan(dot + 1), out ctrl)) throw Error($"{opName} needs a type suffix (.i32, .i64, .f32, .f64)", mn);
            }
            else if (dot >= 0) throw Error($"{opName} takes no type suffix", mn);

            Inst inst = ParseOperands(op, ctrl, mn, firstResult, resultCount);
            _f.SetSourceOffset(inst, srcloc);
            _f.AppendInst(block, inst);
            _ = start;
        }

        Inst ParseOperands(Op op, IrType ctrl, IrToken at, int firstResult, int resultCount)
        {
            _args.Clear();
            byte code = 0;
            int @ref = 0;
            long imm = 0;
            switch (op.Format())
            {
                case InstFormat.IntConst:
                {
                    var t = Next();
                    if (t.Kind is not (IrTokenKind.Word or IrTokenKind.Signed)) throw Error("expected an integer", t);
                    if (ctrl == IrType.I32 && NumericLiterals.TryParseI32(t.Text, out uint b32)) imm = (int)b32;
                    else if (ctrl == IrType.I64 && NumericLiterals.TryParseI64(t.Text, out ulong b64)) imm = (long)b64;
                    else throw Error($"malformed {ctrl.Name()} constant", t);
                    break;
                }
                case InstFormat.FloatConst:
                {
                    var t = Next();
                    if (t.Kind is not (IrTokenKind.Word or IrTokenKind.Signed)) throw Error("expected a float", t);
                    if (ctrl == IrType.F32 && NumericLiterals.TryParseF32(t.Text, out uint f32)) imm = f32;
                    else if (ctrl == IrType.F64 && NumericLiterals.TryParseF64(t.Text, out ulong f64)) imm = (long)f64;
                    else throw Error($"malformed {ctrl.Name()} constant", t);
                    break;
                }
                case InstFormat.Unary:
                case InstFormat.Binary:
                case InstFormat.Ternary:
                    ValueListOf(op.Params().Length);
                    break;
                case InstFormat.IntCompare:
                {
                    var t = Next();
                    if (t.Kind != IrTokenKind.Word || !CondCodes.TryParse(t.Text, out IntCC cc)) throw Error("expected an integer condition", t);
                    code = (byte)cc;
                    ValueListOf(2);
                    break;
                }
                case InstFormat.FloatCompare:
                {
                    var t = Next();
                    if (t.Kind != IrTokenKind.Word || !CondCodes.TryParse(t.Text, out FloatCC cc)) throw Error("expected a float condition", t);
                    code = (byte)cc;
                    ValueListOf(2);
                    break;
                }
                case InstFormat.Load:
                case InstFormat.Store:
                {
                    if (Peek is { Kind: IrTokenKind.Word, Text: "movable" }) { Next(); code = (byte)MemFlags.Movable; }
                    if (Peek is { Kind: IrTokenKind.Word, Text: "trap" }) { Next(); code |= (byte)MemFlags.Trap; }
                    var r = Next();
                    if (r.Kind != IrTokenKind.Word || !AliasRegion.TryParse(r.Text, out var region)) throw Error("expected an alias region", r);
                    @ref = region.Bits;
                    imm = Address();
                    if (op.Format() == InstFormat.Store)
                    {
                        Expect(",");
                        _args.Add(ValueUse());
                    }
                    break;
                }
                case InstFormat.Trap:
                    code = (byte)TrapCodeOf(Next());
                    break;
                case InstFormat.CondTrap:
                    _args.Add(ValueUse());
                    Expect(",");
                    code = (byte)TrapCodeOf(Next());
                    break;
                case InstFormat.BoundsCheck:
                    imm = Address();
                    Expect(",");
                    _args.Add(ValueUse());
                    Expect(",");
                    code = (byte)TrapCodeOf(Next());
                    break;
                case InstFormat.Jump:
                case InstFormat.Brif:
                case InstFormat.BranchTable:
                    return ParseBranch(op, at, resultCount);
                case InstFormat.Return:
                    if (Peek.Kind == IrTokenKind.Word && TryEntity(Peek.Text, "v", out _))
                    {
                        do _args.Add(ValueUse()); while (Accept(","));
                    }
                    break;
                case InstFormat.Call:
                {
                    var t = Peek;
                    @ref = Entity("fn");
                    if (@ref >= _f.ExtFuncs.Count) throw Error($"unknown function fn{@ref}", t);
                    ParenValues();
                    break;
                }
                case InstFormat.CallIndirect:
                {
                    var t = Peek;
                    @ref = Entity("sig");
                    if (@ref >= _f.Signatures.Count) throw Error($"unknown signature sig{@ref}", t);
                    Expect(",");
                    _args.Add(ValueUse());
                    ParenValues();
                    break;
                }
                default:
                    throw Error($"no parser for format {op.Format()}", at);
            }
            int expected = _f.ResultCountOf(op, @ref);
            if (expected != resultCount) throw Error($"{op.Mnemonic()} has {expected} result(s), the text names {resultCount}", at);
            return _f.CreateInstAt(op, ctrl, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_args), code, @ref, imm, new Value(firstResult));
        }

        Inst ParseBranch(Op op, IrToken at, int resultCount)
        {
            if (resultCount != 0) throw Error($"{op.Mnemonic()} has no results", at);
            var targets = new List<(Block Block, Value[] Args)>();
            Value cond = Value.None;
            switch (op.Format())
            {
                case InstFormat.Jump:
                    targets.Add(BlockCall());
                    break;
                case InstFormat.Brif:
                    cond = ValueUse();
                    Expect(",");
                    targets.Add(BlockCall());
                    Expect(",");
                    targets.Add(BlockCall());
                    break;
                default:
                    cond = ValueUse();
                    Expect(",");
                    targets.Add(BlockCall());
                    Expect(",");
                    Expect("[");
                    if (!Accept("]"))
                    {
                        do targets.Add(BlockCall()); while (Accept(","));
                        Expect("]");
                    }
                    break;
            }
            var inst = _f.CreateBranch(op, cond.IsValid ? [cond] : default, targets.Count);
            for (int t = 0; t < targets.Count; t++) _f.SetTarget(inst, t, targets[t].Block, targets[t].Args);
            return inst;
        }

        (Block, Value[]) BlockCall()
        {
            var block = new Block(Entity("block"));
            var args = new List<Value>();
            if (Accept("("))
            {
                if (!Accept(")"))
                {
                    do args.Add(ValueUse()); while (Accept(","));
                    Expect(")");
                }
            }
            return (block, args.ToArray());
        }

        void ParenValues()
        {
            Expect("(");
            if (Accept(")")) return;
            do _args.Add(ValueUse()); while (Accept(","));
            Expect(")");
        }

        void ValueListOf(int n)
        {
            for (int k = 0; k < n; k++)
            {
                if (k > 0) Expect(",");
                _args.Add(ValueUse());
            }
        }

        /// <summary><c>vN</c> or <c>vN+offset</c>: adds the value to the operands, returns the offset.</summary>
        long Address()
        {
            _args.Add(ValueUse());
            if (Peek.Kind != IrTokenKind.Signed || Peek.Text[0] != '+') return 0;
            var t = Next();
            if (!NumericLiterals.TryParseU64(t.Text.AsSpan(1), out ulong off)) throw Error("malformed offset", t);
            return (long)off;
        }

        Value ValueUse()
        {
            var t = Peek;
            var v = new Value(Entity("v"));
            _firstUse.TryAdd(v.Index, t);
            return v;
        }

        TrapCode TrapCodeOf(IrToken t)
        {
            if (t.Kind != IrTokenKind.Word || !TrapCodeNames.TryParse(t.Text, out var code) || code == TrapCode.None) throw Error("expected a trap code", t);
            return code;
        }

        void CheckDefined()
        {
            foreach (var (v, at) in _firstUse)
                if (_f.ValueInfo(new Value(v)).Kind == ValueKind.Free) throw Error($"v{v} is used but never defined", at);
        }
    }
}
