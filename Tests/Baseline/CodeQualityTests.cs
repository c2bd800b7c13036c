using Hoist.Compiler;
using Hoist.Isa;
using Hoist.Wasm;
using Iced.Intel;

namespace Hoist.Tests.Baseline;

/// <summary>
/// What the baseline compiler emits for small functions, read back with Iced: constants fold into
/// immediates, operands are read from their slots, comparisons branch on the flags, no value moves twice.
/// Assertions are on the body only (between the prologue's frame allocation and the epilogue's leave).
/// </summary>
public class CodeQualityTests
{
    /// <summary>The instructions of a function in Intel syntax, lower case.</summary>
    static List<string> Disassemble(MachineCode code)
    {
        byte[] bytes = code.Bytes[..code.InstructionsSize].ToArray();
        var decoder = Iced.Intel.Decoder.Create(64, new ByteArrayCodeReader(bytes));
        var formatter = new IntelFormatter();
        formatter.Options.HexPrefix = "0x";
        formatter.Options.HexSuffix = "";
        formatter.Options.UppercaseHex = false;
        var output = new StringOutput();
        var lines = new List<string>();
        while (decoder.IP < (ulong)bytes.Length)
        {
            Instruction ins = decoder.Decode();
            formatter.Format(ins, output);
            lines.Add(output.ToStringAndReset());
        }
        return lines;
    }

    /// <summary>The body: after the prologue's <c>sub rsp</c> and the parameter stores, up to the first <c>leave</c>.</summary>
    static List<string> Body(string wat, int function = 0)
    {
        CompiledModule m = BaselineHarness.CompileText(wat);
        List<string> all = Disassemble(m.Functions[function]);
        int start = all.FindIndex(l => l.StartsWith("sub rsp,", StringComparison.Ordinal)) + 1;
        while (start < all.Count && (all[start].StartsWith("mov [rbp-", StringComparison.Ordinal) || all[start].StartsWith("movsd [rbp-", StringComparison.Ordinal))) start++;
        int end = all.FindIndex(start, l => l == "leave");
        return all[start..end];
    }

    [Fact]
    public void ConstantsFoldIntoImmediates()
    {
        List<string> body = Body("(module (func (param i32) (result i32) (i32.add (local.get 0) (i32.const 5))))");
        Assert.Equal(["mov eax,[rbp-0x10]", "add eax,5"], body);

        body = Body("(module (func (param i64) (result i64) (i64.mul (local.get 0) (i64.const 1000))))");
        Assert.Equal(["imul rax,[rbp-0x10],0x3e8"], body);

        body = Body("(module (func (param i32) (result i32) (i32.shl (local.get 0) (i32.const 35))))");
        Assert.Equal(["mov eax,[rbp-0x10]", "shl eax,3"], body);
    }

    [Fact]
    public void ConstantExpressionsFoldAtCompileTime()
    {
        List<string> body = Body("(module (func (result i32) (i32.mul (i32.add (i32.const 2) (i32.const 3)) (i32.const 7))))");
        Assert.Equal(["mov eax,0x23"], body);
        body = Body("(module (func (result f64) (f64.neg (f64.const 1.5))))");
        Assert.Single(body);
        Assert.StartsWith("movsd xmm0,", body[0]);
    }

    [Fact]
    public void OperandsAreReadFromTheirSlots()
    {
        // Locals are lazy: each is read once, by the instruction that uses it, with no copy in between.
        List<string> body = Body("(module (func (param i32 i32 i32) (result i32) (i32.sub (i32.xor (local.get 0) (local.get 1)) (local.get 2))))");
        Assert.Equal(["mov eax,[rbp-0x10]", "xor eax,[rbp-0x18]", "sub eax,[rbp-0x20]"], body);

        body = Body("(module (func (param f64 f64) (result f64) (f64.add (local.get 0) (local.get 1))))");
        Assert.Equal(["movsd xmm0,[rbp-0x10]", "addsd xmm0,[rbp-0x18]"], body);
    }

    [Fact]
    public void ComparisonsBranchOnTheFlags()
    {
        // lt_s feeding br_if: a cmp and a jcc, no setcc.
        List<string> body = Body("""
            (module (func (param i32 i32) (result i32)
              (block (br_if 0 (i32.lt_s (local.get 0) (local.get 1))) (return (i32.const 1)))
              (i32.const 0)))
            """);
        Assert.DoesNotContain(body, l => l.StartsWith("set", StringComparison.Ordinal));
        Assert.Contains(body, l => l.StartsWith("jl ", StringComparison.Ordinal));

        // eqz of eqz of a compare is still just the compare's flags.
        body = Body("(module (func (param i64) (result i32) (if (result i32) (i32.eqz (i64.eqz (local.get 0))) (then (i32.const 1)) (else (i32.const 2)))))");
        Assert.Equal("cmp qword ptr [rbp-0x10],0", body[0]);
        Assert.StartsWith("je ", body[1]);

        // A comparison whose value is used becomes 0/1 with setcc.
        body = Body("(module (func (param i32) (result i32) (i32.gt_u (local.get 0) (i32.const 9))))");
        Assert.Equal(["cmp dword ptr [rbp-0x10],9", "seta al", "movzx eax,al"], body);
    }

    [Fact]
    public void ConstantAddressesNeedNoAddressRegister()
    {
        List<string> body = Body("(module (memory 1) (func (result i32) (i32.load offset=8 (i32.const 16))))");
        Assert.Equal(4, body.Count);
        Assert.StartsWith("cmp qword ptr [r14", body[0]);
        Assert.EndsWith(",0x1c", body[0]);
        Assert.StartsWith("jb ", body[1]);
        Assert.Equal("mov eax,[r11+0x18]", body[3]);
    }

    [Fact]
    public void SelectUsesCmov()
    {
        List<string> body = Body("(module (func (param i32 i32 i32) (result i32) (select (local.get 0) (local.get 1) (i32.ne (local.get 2) (i32.const 0)))))");
        Assert.Contains(body, l => l.StartsWith("cmove ", StringComparison.Ordinal));
        Assert.DoesNotContain(body, l => l.StartsWith("j", StringComparison.Ordinal));
    }

    [Fact]
    public void DivisionByAConstantSkipsTheChecksItCannotNeed()
    {
        List<string> body = Body("(module (func (param i32) (result i32) (i32.div_s (local.get 0) (i32.const 7))))");
        Assert.DoesNotContain(body, l => l.StartsWith("test", StringComparison.Ordinal) || l.StartsWith("j", StringComparison.Ordinal));
        Assert.Contains("cdq", body);
        Assert.Contains("idiv r11d", body);
    }

    [Fact]
    public void EveryOperatorHasItsSourceLocation()
    {
        var module = Hoist.Wasm.Text.WatParser.ParseModule("(module (memory 1) (func (param i32) (result i32) (i32.add (i32.load (local.get 0)) (i32.const 1))))");
        byte[] wasm = Hoist.Wasm.Binary.ModuleEncoder.Encode(module);
        var decoded = Hoist.Wasm.Binary.ModuleDecoder.Decode(wasm);
        MachineCode code = BaselineHarness.Compile(decoded).Functions[0];
        int bodyStart = decoded.Code[0].BodyOffset;
        // local.get emits nothing (lazy); i32.load, i32.add and end do.
        uint[] offsets = [.. code.SourceLocations.ToArray().Select(s => s.WasmOffset).Where(o => o != SourceLoc.None).Distinct()];
        Assert.Contains((uint)bodyStart + 2, offsets);  // i32.load (after local.get 0)
        Assert.Contains((uint)bodyStart + 7, offsets);  // i32.add (after i32.const 1)
        // Every trap but the prologue's stack check (which belongs to no instruction) maps to its operator.
        Assert.All(code.TrapSites.ToArray().Where(t => t.Code != Hoist.Vm.TrapCode.StackOverflow),
            t => Assert.Equal((uint)bodyStart + 2, code.WasmOffsetAt(t.Offset - 1)));
    }

    [Fact]
    public void BitCountsFallBackToBsrAndBsfWithoutLzcntAndBmi1()
    {
        var module = Hoist.Wasm.Text.WatParser.ParseModule("(module (func (param i64) (result i64) (i64.clz (local.get 0))) (func (param i32) (result i32) (i32.ctz (local.get 0))))");
        var ctx = Hoist.Wasm.Validation.ModuleValidator.ValidateModule(module);
        var input = new CompileInput(ctx, new Hoist.Vm.VmOffsets(module)) { Parallel = false };
        CompiledModule modern = new Hoist.Baseline.BaselineCompiler(new Hoist.Isa.X64.X64Features(Avx: false, Bmi1: true, Bmi2: false, Lzcnt: true)).Compile(input);
        CompiledModule old = new Hoist.Baseline.BaselineCompiler(Hoist.Isa.X64.X64Features.Minimal).Compile(input);
        Assert.Contains(Disassemble(modern.Functions[0]), l => l.StartsWith("lzcnt ", StringComparison.Ordinal));
        Assert.Contains(Disassemble(modern.Functions[1]), l => l.StartsWith("tzcnt ", StringComparison.Ordinal));
        List<string> clz = Disassemble(old.Functions[0]), ctz = Disassemble(old.Functions[1]);
        Assert.DoesNotContain(clz, l => l.StartsWith("lzcnt ", StringComparison.Ordinal));
        Assert.Contains(clz, l => l.StartsWith("bsr r11,r11", StringComparison.Ordinal));
        Assert.Contains("mov eax,0x7f", clz);   // 127 ^ 63 = 64 for a zero input
        Assert.Contains("xor rax,0x3f", clz);
        Assert.Contains(ctz, l => l.StartsWith("bsf r11d,r11d", StringComparison.Ordinal));
        Assert.Contains("mov eax,0x20", ctz);
    }

    [Fact]
    public void UnsupportedOperatorsAreReportedByName()
    {
        var e = Assert.Throws<UnsupportedFeatureException>(() =>
            BaselineHarness.CompileText("(module (func (result i32) (i32x4.extract_lane 0 (v128.const i32x4 1 2 3 4))))"));
        Assert.Equal(Feature.Simd, e.Feature);
        Assert.Contains("v128.const", e.Message);
        Assert.Contains("baseline", e.Message);

        e = Assert.Throws<UnsupportedFeatureException>(() =>
            BaselineHarness.CompileText("(module (type $s (struct)) (func (drop (struct.new $s))))"));
        Assert.Equal(Feature.Gc, e.Feature);

        e = Assert.Throws<UnsupportedFeatureException>(() => BaselineHarness.CompileText("(module (func (param v128)))"));
        Assert.Equal(Feature.Simd, e.Feature);
    }

    [Fact]
    public void ParallelCompilationGivesTheSameCode()
    {
        var sb = new System.Text.StringBuilder("(module (memory 1)");
        for (int i = 0; i < 200; i++)
            sb.Append($"(func (param i32) (result i32) (i32.add (i32.load offset={i * 4} (local.get 0)) (i32.mul (local.get 0) (i32.const {i}))))");
        sb.Append(')');
        var module = Hoist.Wasm.Text.WatParser.ParseModule(sb.ToString());
        CompiledModule one = BaselineHarness.Compile(module, parallel: false);
        var ctx = Hoist.Wasm.Validation.ModuleValidator.ValidateModule(module);
        CompiledModule many = new Hoist.Baseline.BaselineCompiler().Compile(
            new CompileInput(ctx, new Hoist.Vm.VmOffsets(module)) { Parallel = true, ParallelThresholdBytes = 0 });
        Assert.Equal(one.Functions.Length, many.Functions.Length);
        for (int i = 0; i < one.Functions.Length; i++)
        {
            Assert.Equal(one.Functions[i].Bytes.ToArray(), many.Functions[i].Bytes.ToArray());
            Assert.Equal(one.Functions[i].TrapSites.ToArray(), many.Functions[i].TrapSites.ToArray());
        }
    }

    [Fact]
    public void TheLowestFailingFunctionIsReportedWhenCompilingInParallel()
    {
        var sb = new System.Text.StringBuilder("(module");
        for (int i = 0; i < 100; i++) sb.Append(i is 40 or 70 ? "(func (result i32) (i64.const 0))" : "(func (result i32) (i32.const 0))");
        sb.Append(')');
        var module = Hoist.Wasm.Text.WatParser.ParseModule(sb.ToString());
        var ctx = Hoist.Wasm.Validation.ModuleValidator.ValidateModule(module);
        var e = Assert.Throws<ValidationException>(() => new Hoist.Baseline.BaselineCompiler().Compile(
            new CompileInput(ctx, new Hoist.Vm.VmOffsets(module)) { Parallel = true, ParallelThresholdBytes = 0 }));
        Assert.StartsWith("type mismatch", e.Message);
        var sequential = Assert.Throws<ValidationException>(() => BaselineHarness.Compile(module));
        Assert.Equal(sequential.Location, e.Location);
    }
}
