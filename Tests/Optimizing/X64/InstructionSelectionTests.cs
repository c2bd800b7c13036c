using Hoist.Isa.X64;
using Hoist.Compiler;
using Hoist.Optimizing.Isa.X64;
using Hoist.Runtime;
using Hoist.Vm;
using Hoist.Wasm;
using Iced.Intel;

namespace Hoist.Tests.Optimizing.X64;

/// <summary>
/// Instruction selection of the optimizing tier's x86-64 back end, one pattern per test: the machine code shows the
/// selected form (each assertion fails without the lowering rule it is about), and where the rule moves or folds a
/// memory access the code runs on both tiers, with guard pages (the access is its own trap site) and with explicit
/// checks, with results and traps compared.
/// </summary>
public class InstructionSelectionTests
{
    const ulong Guard = 2UL << 30;
    static readonly Engine s_baseline = new(new Config { Strategy = Strategy.Baseline, GuardPages = false });
    static readonly Engine s_optimizing = new(new Config { Strategy = Strategy.Optimizing, GuardPages = false });
    static readonly Engine s_baselineGuarded = new(new Config { Strategy = Strategy.Baseline, GuardPages = true, MemoryGuardSize = Guard });
    static readonly Engine s_optimizingGuarded = new(new Config { Strategy = Strategy.Optimizing, GuardPages = true, MemoryGuardSize = Guard });

    // ---- Helpers.

    /// <summary>The optimizing tier's code for function <paramref name="func"/> (defined-function index), one instruction a line (Intel syntax).</summary>
    internal static string[] Disasm(string wat, bool guarded, int func = 0, X64Features? cpu = null) => Decode(Compile(wat, guarded, cpu).Functions[func]);

    /// <summary>Compiles with the optimizing tier, for the host's extensions or those given.</summary>
    internal static CompiledModule Compile(string wat, bool guarded, X64Features? cpu = null)
    {
        var module = Hoist.Wasm.Text.WatParser.ParseModule(wat);
        var ctx = Hoist.Wasm.Validation.ModuleValidator.ValidateModule(module);
        var input = new CompileInput(ctx, new VmOffsets(module)) { Parallel = false, MemoryGuardBytes = guarded ? [Guard] : null };
        return new Hoist.Optimizing.OptimizingCompiler(cpu ?? X64Features.Host).Compile(input);
    }

    internal static string[] Decode(Hoist.Isa.MachineCode code)
    {
        var bytes = code.Bytes[..code.InstructionsSize].ToArray();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes));
        var formatter = new IntelFormatter();
        formatter.Options.FirstOperandCharIndex = 0;
        formatter.Options.SpaceAfterOperandSeparator = false;
        formatter.Options.MemorySizeOptions = MemorySizeOptions.Always;
        var output = new StringOutput();
        var lines = new List<string>();
        while (decoder.IP < (ulong)bytes.Length)
        {
            decoder.Decode(out var ins);
            formatter.Format(ins, output);
            lines.Add(output.ToStringAndReset());
        }
        return [.. lines];
    }

    /// <summary>The instruction at each MemoryOutOfBounds trap site that is a memory access (not an explicit check's stub).</summary>
    internal static string[] MemoryTrapSiteInstructions(Hoist.Isa.MachineCode code)
    {
        var result = new List<string>();
        foreach (var site in code.TrapSites)
        {
            if (site.Code != TrapCode.MemoryOutOfBounds) continue;
            var ins = Decoder.Create(64, new ByteArrayCodeReader(code.Bytes[site.Offset..code.InstructionsSize].ToArray())).Decode();
            bool memory = false;
            for (int k = 0; k < ins.OpCount; k++) memory |= ins.GetOpKind(k) == OpKind.Memory;
            if (memory) result.Add(ins.Mnemonic.ToString().ToLowerInvariant());
        }
        return [.. result];
    }

    static bool Has(string[] code, string pattern) => code.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, pattern));

    static void AssertHas(string[] code, string pattern) =>
        Assert.True(Has(code, pattern), $"expected an instruction matching /{pattern}/ in:\n{string.Join('\n', code)}");

    static void AssertHasNot(string[] code, string pattern) =>
        Assert.False(Has(code, pattern), $"expected no instruction matching /{pattern}/ in:\n{string.Join('\n', code)}");

    /// <summary>Runs <paramref name="export"/> on both tiers (with and without guard pages): the same results or the same trap; returns the optimizing tier's outcome.</summary>
    static Outcome RunEverywhere(string wat, string export, params Value[] args)
    {
        Outcome? first = null;
        foreach (var engine in new[] { s_baseline, s_optimizing, s_baselineGuarded, s_optimizingGuarded })
        {
            var o = Run(engine, wat, export, args);
            if (first is null) first = o;
            else Assert.Equal(first, o);
        }
        return first!;
    }

    internal sealed record Outcome(string Results, TrapCode Trap, string Memory);

    static Outcome Run(Engine engine, string wat, string export, Value[] args)
    {
        using var store = new Store(engine);
        var instance = new Linker(engine).Instantiate(store, Module.FromText(engine, wat));
        string results = "";
        var trap = TrapCode.None;
        try { results = string.Join(",", instance.GetFunc(export).Invoke(args)); }
        catch (TrapException e) { trap = e.Code; }
        string memory = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(instance.GetMemory("mem").Span));
        return new Outcome(results, trap, memory);
    }

    // ---- Loads folded into their user.

    const string IntFolds = """
        (module
          (memory (export "mem") 1)
          (func (export "add") (param $p i32) (param $x i32) (result i32) (i32.add (local.get $x) (i32.load (local.get $p))))
          (func (export "sub") (param $p i32) (param $x i32) (result i32) (i32.sub (local.get $x) (i32.load offset=4 (local.get $p))))
          (func (export "xor64") (param $p i32) (param $x i64) (result i64) (i64.xor (i64.load (local.get $p)) (local.get $x)))
          (func (export "mul") (param $p i32) (param $x i32) (result i32) (i32.mul (local.get $x) (i32.load (local.get $p))))
          (func (export "lt") (param $p i32) (param $x i32) (result i32)
            (if (result i32) (i32.lt_s (local.get $x) (i32.load (local.get $p))) (then (i32.const 10)) (else (i32.const 20))))
          (func (export "eqz") (param $p i32) (result i32)
            (if (result i32) (i32.eqz (i32.load (local.get $p))) (then (i32.const 1)) (else (i32.const 2))))
          (data (i32.const 0) "\05\00\00\00\fb\ff\ff\ff\07\00\00\00\00\00\00\00"))
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void IntegerOpsTakeALoadAsMemoryOperand(bool guarded)
    {
        var m = Compile(IntFolds, guarded);
        AssertHas(Decode(m.Functions[0]), @"^add e\w+,dword ptr \[");
        AssertHas(Decode(m.Functions[1]), @"^sub e\w+,dword ptr \[.*\+4\]");
        AssertHas(Decode(m.Functions[2]), @"^xor r\w+,qword ptr \[");
        AssertHas(Decode(m.Functions[3]), @"^imul e\w+,dword ptr \[");
        AssertHas(Decode(m.Functions[4]), @"^cmp e\w+,dword ptr \[");
        AssertHas(Decode(m.Functions[5]), @"^cmp dword ptr \[.*\],0");
        foreach (var f in m.Functions) AssertHasNot(Decode(f), @"^mov e\w+,dword ptr \[r\w+\+r\w+");
        if (guarded)
        {
            // The folded instruction is the access, so it is the guard-page trap site.
            Assert.Equal(["add"], MemoryTrapSiteInstructions(m.Functions[0]));
            Assert.Equal(["cmp"], MemoryTrapSiteInstructions(m.Functions[4]));
        }
    }

    [Theory]
    [InlineData("add", 0, 3, "8")]
    [InlineData("sub", 0, 3, "8")]
    [InlineData("mul", 8, 6, "42")]
    [InlineData("lt", 4, -6, "10")]
    [InlineData("lt", 4, -5, "20")]
    [InlineData("eqz", 12, 0, "1")]
    [InlineData("eqz", 8, 0, "2")]
    [InlineData("add", 65534, 1, "")]
    [InlineData("lt", 65533, 1, "")]
    [InlineData("eqz", -1, 0, "")]
    public void FoldedLoadsComputeAndTrapAsTheLoad(string export, int p, int x, string expected)
    {
        var args = export == "eqz" ? new[] { Value.I32(p) } : [Value.I32(p), Value.I32(x)];
        var o = RunEverywhere(IntFolds, export, args);
        if (expected == "") Assert.Equal(TrapCode.MemoryOutOfBounds, o.Trap);
        else Assert.Equal("i32:" + expected, o.Results);
    }

    const string FloatFolds = """
        (module
          (memory (export "mem") 1)
          (func (export "mul") (param $p i32) (param $x f64) (result f64) (f64.mul (local.get $x) (f64.load (local.get $p))))
          (func (export "div") (param $p i32) (param $x f64) (result f64) (f64.div (local.get $x) (f64.load (local.get $p))))
          (func (export "add32") (param $p i32) (param $x f32) (result f32) (f32.add (f32.load (local.get $p)) (local.get $x)))
          (data (i32.const 0) "\00\00\00\00\00\00\10\40\00\00\80\3f"))
        """;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FloatOpsTakeALoadAsMemoryOperand(bool avx)
    {
        var m = Compile(FloatFolds, guarded: true, X64Features.Minimal with { Avx = avx });
        string v = avx ? "v" : "", src1 = avx ? @"xmm\d+," : "";
        AssertHas(Decode(m.Functions[0]), $@"^{v}mulsd xmm\d+,{src1}qword ptr \[");
        AssertHas(Decode(m.Functions[1]), $@"^{v}divsd xmm\d+,{src1}qword ptr \[");
        AssertHas(Decode(m.Functions[2]), $@"^{v}addss xmm\d+,{src1}dword ptr \[");
        Assert.Equal([v + "mulsd"], MemoryTrapSiteInstructions(m.Functions[0]));
        Assert.Equal("f64:12", RunEverywhere(FloatFolds, "mul", Value.I32(0), Value.F64(3)).Results);
        Assert.Equal("f64:0.75", RunEverywhere(FloatFolds, "div", Value.I32(0), Value.F64(3)).Results);
        Assert.Equal("f32:3.5", RunEverywhere(FloatFolds, "add32", Value.I32(8), Value.F32(2.5f)).Results);
        Assert.Equal(TrapCode.MemoryOutOfBounds, RunEverywhere(FloatFolds, "mul", Value.I32(65530), Value.F64(3)).Trap);
    }

    /// <summary>A load whose value is used after a store to the same place reads the old value: it must not become the add's operand.</summary>
    const string LoadThenStore = """
        (module
          (memory (export "mem") 1)
          (func (export "f") (param $p i32) (param $q i32) (param $x i32) (result i32)
            (local $v i32)
            (local.set $v (i32.load (local.get $p)))
            (i32.store (local.get $q) (i32.const 1000))
            (i32.add (local.get $x) (local.get $v)))
          (data (i32.const 0) "\05\00\00\00"))
        """;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LoadIsNotFoldedAcrossAStore(bool guarded)
    {
        var code = Disasm(LoadThenStore, guarded);
        AssertHasNot(code, @"^add e\w+,dword ptr");
        // Same address: the old value. Faulting load: the trap comes before the store (memory unchanged).
        Assert.Equal("i32:8", RunEverywhere(LoadThenStore, "f", Value.I32(0), Value.I32(0), Value.I32(3)).Results);
        var trapped = RunEverywhere(LoadThenStore, "f", Value.I32(65535), Value.I32(0), Value.I32(3));
        Assert.Equal(TrapCode.MemoryOutOfBounds, trapped.Trap);
    }

    /// <summary>
    /// Two faulting loads then their sum: folding the first into the add would move it after the second, so an
    /// out-of-bounds first address would report the second access; only the later load folds.
    /// </summary>
    [Fact]
    public void FaultingLoadIsNotMovedPastAnotherFaultingAccess()
    {
        const string wat = """
            (module
              (memory (export "mem") 1)
              (func (export "f") (param $p i32) (param $q i32) (result i32)
                (local $a i32)
                (local.set $a (i32.load (local.get $p)))
                (i32.store (local.get $q) (i32.const 7))
                (i32.add (local.get $a) (i32.load offset=4 (local.get $q)))))
            """;
        var code = Disasm(wat, guarded: true);
        AssertHas(code, @"^add e\w+,dword ptr \[.*\+4\]");
        AssertHas(code, @"^mov e\w+,dword ptr \[");
        var o = RunEverywhere(wat, "f", Value.I32(70000), Value.I32(0));
        Assert.Equal(TrapCode.MemoryOutOfBounds, o.Trap);
        // The store did not happen: memory is as instantiated (all zero).
        Assert.Equal(RunEverywhere(wat, "f", Value.I32(0), Value.I32(70000)).Memory, o.Memory);
    }

    // ---- Addresses shared by several accesses.

    [Fact]
    public void AnAddressUsedByALoadAndAStoreIsFoldedIntoBoth()
    {
        const string wat = """
            (module
              (memory (export "mem") 1)
              (func (export "f") (param $p i32) (param $x f64)
                (f64.store (local.get $p) (f64.mul (f64.load (local.get $p)) (local.get $x)))
                (f64.store offset=8 (local.get $p) (f64.add (f64.load offset=8 (local.get $p)) (local.get $x)))))
            """;
        var code = Disasm(wat, guarded: true);
        // No 64-bit address computed into a register: each access uses [base+index(+8)].
        AssertHasNot(code, @"^lea r\w+,\[r\w+\+r\w+\]");
        Assert.Equal(2, code.Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^movsd qword ptr \[r\w+\+r\w+(\+8)?\],xmm")));
        var o = RunEverywhere(wat, "f", Value.I32(16), Value.F64(2));
        Assert.Equal(TrapCode.None, o.Trap);
        Assert.Equal(TrapCode.MemoryOutOfBounds, RunEverywhere(wat, "f", Value.I32(65530), Value.F64(2)).Trap);
    }

    // ---- Extensions: AVX three-operand float ops, BMI1 andn, BMI2 rorx and shlx/shrx/sarx (X64Features).

    const string FloatArith = """
        (module
          (memory (export "mem") 1)
          (func (export "dot") (param $a f64) (param $b f64) (param $c f64) (result f64)
            (f64.add (f64.mul (local.get $a) (local.get $b)) (f64.mul (local.get $a) (local.get $c))))
          (func (export "sqrt") (param $a f64) (param $b f64) (result f64) (f64.add (f64.sqrt (local.get $a)) (local.get $b)))
          (func (export "conv") (param $i i32) (param $d f64) (result f64) (f64.div (local.get $d) (f64.convert_i32_s (local.get $i))))
          (func (export "promote") (param $x f32) (result f64) (f64.promote_f32 (local.get $x))))
        """;

    [Fact]
    public void FloatArithmeticIsThreeOperandWithAvx()
    {
        var avx = Compile(FloatArith, guarded: true, X64Features.Minimal with { Avx = true });
        var sse = Compile(FloatArith, guarded: true, X64Features.Minimal);
        // a is used twice: SSE's two-operand mulsd needs a copy of it, AVX's vmulsd does not.
        AssertHasNot(Decode(avx.Functions[0]), "^movaps");
        AssertHas(Decode(avx.Functions[0]), @"^vmulsd xmm\d+,xmm\d+,xmm\d+");
        AssertHas(Decode(sse.Functions[0]), "^movaps");
        // Square root and conversions read only their source (no false dependency on the destination, no xorps).
        AssertHas(Decode(avx.Functions[1]), @"^vsqrtsd (xmm\d+),(xmm\d+),\2$");
        AssertHas(Decode(avx.Functions[2]), @"^vcvtsi2sd xmm\d+,xmm15,e\w+");
        AssertHasNot(Decode(avx.Functions[2]), "^xorps");
        AssertHas(Decode(avx.Functions[3]), @"^vcvtss2sd (xmm\d+),(xmm\d+),\2$");
        Assert.Equal("f64:26", RunEverywhere(FloatArith, "dot", Value.F64(2), Value.F64(5), Value.F64(8)).Results);
        Assert.Equal("f64:4.5", RunEverywhere(FloatArith, "sqrt", Value.F64(16), Value.F64(0.5)).Results);
        Assert.Equal("f64:-2.5", RunEverywhere(FloatArith, "conv", Value.I32(-2), Value.F64(5)).Results);
        Assert.Equal("f64:0.5", RunEverywhere(FloatArith, "promote", Value.F32(0.5f)).Results);
    }

    const string Bits = """
        (module
          (memory (export "mem") 1)
          (func (export "rotl") (param $x i32) (result i32) (i32.xor (local.get $x) (i32.rotl (local.get $x) (i32.const 7))))
          (func (export "rotr64") (param $x i64) (result i64) (i64.add (local.get $x) (i64.rotr (local.get $x) (i64.const 13))))
          (func (export "shl") (param $x i32) (param $n i32) (result i32) (i32.add (local.get $x) (i32.shl (local.get $x) (local.get $n))))
          (func (export "sar64") (param $x i64) (param $n i64) (result i64) (i64.shr_s (local.get $x) (local.get $n)))
          (func (export "andn") (param $x i32) (param $y i32) (result i32) (i32.and (local.get $x) (i32.xor (local.get $y) (i32.const -1)))))
        """;

    [Fact]
    public void BmiFormsAreSelectedWhenAvailable()
    {
        var bmi = Compile(Bits, guarded: true, X64Features.Minimal with { Bmi1 = true, Bmi2 = true });
        var plain = Compile(Bits, guarded: true, X64Features.Minimal);
        AssertHas(Decode(bmi.Functions[0]), @"^rorx e\w+,e\w+,19h");
        AssertHas(Decode(bmi.Functions[1]), @"^rorx r\w+,r\w+,0Dh");
        AssertHas(Decode(bmi.Functions[2]), @"^shlx e\w+,e\w+,e\w+");
        AssertHasNot(Decode(bmi.Functions[2]), ",cl$");
        AssertHas(Decode(bmi.Functions[3]), @"^sarx r\w+,r\w+,r\w+");
        AssertHas(Decode(bmi.Functions[4]), @"^andn e\w+,e\w+,e\w+");
        AssertHasNot(Decode(bmi.Functions[4]), "^not ");
        AssertHas(Decode(plain.Functions[0]), @"^rol e\w+,7");
        AssertHas(Decode(plain.Functions[2]), @"^shl e\w+,cl");
        AssertHas(Decode(plain.Functions[4]), "^not ");
    }

    [Theory]
    [InlineData("rotl", 0x80000001u, 0u)]
    [InlineData("shl", 5u, 33u)]
    [InlineData("shl", 0xFFFFFFFFu, 31u)]
    [InlineData("andn", 0xF0F0FFFFu, 0x0FF0F00Fu)]
    public void BmiFormsCompute32(string export, uint x, uint n)
    {
        var args = export == "rotl" ? new[] { Value.I32((int)x) } : [Value.I32((int)x), Value.I32((int)n)];
        uint expected = export switch
        {
            "rotl" => x ^ uint.RotateLeft(x, 7),
            "shl" => x + (x << (int)(n & 31)),
            _ => x & ~n,
        };
        Assert.Equal("i32:" + (int)expected, RunEverywhere(Bits, export, args).Results);
    }

    [Theory]
    [InlineData("rotr64", 0x8000000000000001ul, 0ul)]
    [InlineData("sar64", 0x8000000000000000ul, 65ul)]
    [InlineData("sar64", 0x7000000000000000ul, 63ul)]
    public void BmiFormsCompute64(string export, ulong x, ulong n)
    {
        var args = export == "rotr64" ? new[] { Value.I64((long)x) } : [Value.I64((long)x), Value.I64((long)n)];
        long expected = export == "rotr64" ? (long)(x + ulong.RotateRight(x, 13)) : (long)x >> (int)(n & 63);
        Assert.Equal("i64:" + expected, RunEverywhere(Bits, export, args).Results);
    }
    // ---- Branches on the flags of the add before them.

    /// <summary>A count-down loop: the decrement sets ZF and the back edge branches on it (<c>add r, -1; jne</c>), no <c>test</c>.</summary>
    [Fact]
    public void CountDownLoopBranchesOnTheDecrementsFlags()
    {
        const string wat = """
            (module
              (memory (export "mem") 1)
              (func (export "f") (param $n i32) (param $x i64) (result i64)
                (local $acc i64)
                (loop $l
                  (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 3)) (local.get $x)))
                  (local.set $n (i32.add (local.get $n) (i32.const -1)))
                  (br_if $l (local.get $n)))
                (local.get $acc))
              (func (export "g") (param $n i64) (result i64)
                (local $acc i64)
                (loop $l
                  (local.set $acc (i64.add (local.get $acc) (local.get $n)))
                  (local.set $n (i64.sub (local.get $n) (i64.const 1)))
                  (br_if $l (i64.ne (local.get $n) (i64.const 0))))
                (local.get $acc)))
            """;
        var f = Disasm(wat, guarded: true, 0);
        var g = Disasm(wat, guarded: true, 1);
        AssertHas(f, @"^add e\w+,0FFFFFFFFh$");
        AssertHasNot(f, @"^test ");
        AssertHas(g, @"^add r\w+,0FFFFFFFFFFFFFFFFh$");
        AssertHasNot(g, @"^(test|cmp) r\w+,(r\w+|0)$");
        long acc = 0;
        for (int k = 0; k < 5; k++) acc = acc * 3 + 7;
        Assert.Equal("i64:" + acc, RunEverywhere(wat, "f", Value.I32(5), Value.I64(7)).Results);
        Assert.Equal("i64:" + (100 * 101 / 2), RunEverywhere(wat, "g", Value.I64(100)).Results);
    }

    /// <summary>Loop heads are aligned to 32 bytes (NOP padding before them): every backward branch targets a multiple of 32.</summary>
    [Fact]
    public void LoopHeadsAreAligned()
    {
        const string wat = """
            (module
              (func (export "f") (param $n i32) (result i32)
                (local $acc i32)
                (loop $l
                  (local.set $acc (i32.add (local.get $acc) (local.get $n)))
                  (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                  (br_if $l (local.get $n)))
                (local.get $acc)))
            """;
        var code = Compile(wat, guarded: true).Functions[0];
        var bytes = code.Bytes[..code.InstructionsSize].ToArray();
        var decoder = Decoder.Create(64, new ByteArrayCodeReader(bytes));
        int backward = 0;
        while (decoder.IP < (ulong)bytes.Length)
        {
            decoder.Decode(out var ins);
            if (ins.FlowControl is FlowControl.ConditionalBranch or FlowControl.UnconditionalBranch && ins.NearBranchTarget < ins.IP)
            {
                backward++;
                Assert.Equal(0ul, ins.NearBranchTarget % 32);
            }
        }
        Assert.True(backward > 0, "the loop has a back edge");
    }
}
