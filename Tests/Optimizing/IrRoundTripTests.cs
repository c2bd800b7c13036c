using Hoist.Optimizing.Ir;

namespace Hoist.Tests.Optimizing;

/// <summary>The text form: printing, parsing back to an equal function, and the exact syntax.</summary>
public class IrRoundTripTests
{
    [Fact]
    public void EveryOpcodePrintsAndParsesBackToAnEqualFunction()
    {
        var f = EveryOpcode.Build();
        Verifier.Verify(f);
        string text = IrPrinter.Print(f);
        var g = IrParser.Parse(text);
        Verifier.Verify(g);
        Assert.Null(IrComparer.Difference(f, g));
        Assert.Equal(text, IrPrinter.Print(g));
        // Every opcode really appears in the text.
        foreach (Op op in Enum.GetValues<Op>())
            Assert.Matches(@"(^|[ =])" + System.Text.RegularExpressions.Regex.Escape(op.Mnemonic()) + @"[. \n]", text);
    }

    [Fact]
    public void SourceOffsetsRoundTrip()
    {
        var f = EveryOpcode.Build();
        int n = 0;
        foreach (var b in f.Blocks)
            foreach (var i in f.InstsOf(b)) f.SetSourceOffset(i, 0x100 + n++);
        var options = new IrPrinter.Options(SourceOffsets: true);
        string text = IrPrinter.Print(f, options);
        Assert.Contains("    @0100 ", text);
        var g = IrParser.Parse(text);
        Assert.Equal(text, IrPrinter.Print(g, options));
    }

    const string Sample = """
        function %sample wasm (i64, i32) -> i32 {
            sig0 = wasm (i64, i32, i64) -> i64
            fn0 = func 3 sig0

        block0(v0: i64, v1: i32):
            v2 = iconst.i32 -1
            v3 = iadd.i32 v1, v2
            v4 = load.i64 movable const v0+8
            v5 = uextend v3
            bounds_check v5+4, v4, memory_out_of_bounds
            v6 = load.i64 movable const v0
            v7 = iadd.i64 v6, v5
            v8 = load.i32 mem0 v7+4
            store.i32 mem0 v7, v8
            v9 = icmp.i32 slt v8, v1
            brif v9, block1(v8), block2

        block1(v10: i32):
            v11 = fconst.f64 -0x1p-3
            v12 = fconst.f32 nan:0x200000
            br_table v10, block2, [block1(v10), block2]

        block2:
            v13 = call fn0(v0, v1, v4)
            trapz v1, integer_divide_by_zero
            return v1
        }
        """;

    [Fact]
    public void HandWrittenTextParsesVerifiesAndPrintsCanonically()
    {
        var f = IrParser.Parse(Sample);
        Verifier.Verify(f);
        string printed = IrPrinter.Print(f);
        // Floats print in the shortest decimal form; everything else as written.
        string expected = Sample.Replace("-0x1p-3", "-0.125") + "\n";
        Assert.Equal(expected, printed);
        Assert.Equal(8L, f[f.DefiningInst(new Value(4))].Imm);
        Assert.Equal(AliasRegion.Memory(0), new AliasRegion(f[f.DefiningInst(new Value(8))].Ref));
    }

    [Fact]
    public void ParserKeepsNumberingWithGaps()
    {
        var f = IrParser.Parse("""
            function %g wasm (i64) -> i64 {
            block7(v40: i64):
                v3 = iadd.i64 v40, v40
                jump block2(v3)
            block2(v9: i64):
                return v9
            }
            """);
        Verifier.Verify(f);
        Assert.Equal(new Block(7), f.EntryBlock);
        Assert.Equal(new Block(2), f.NextBlock(f.EntryBlock));
        Assert.Equal(41, f.ValueCount);
        Assert.Contains("block7(v40: i64):", IrPrinter.Print(f));
    }

    [Fact]
    public void QuotedFunctionNamesRoundTrip()
    {
        var f = IrParser.Parse("function %f wasm () {\nblock0:\n    return\n}\n");
        f.Name = "a \"strange\"\\name\n";
        string text = IrPrinter.Print(f);
        Assert.StartsWith("function %\"a \\\"strange\\\"\\\\name\\u{a}\" wasm ()", text);
        Assert.Equal(f.Name, IrParser.Parse(text).Name);
    }

    [Fact]
    public void ParseAllReadsSeveralFunctions()
    {
        var fs = IrParser.ParseAll("function %a wasm () {\nblock0:\n    return\n}\nfunction %b wasm () {\nblock0:\n    trap unreachable\n}\n");
        Assert.Equal(["a", "b"], fs.Select(f => f.Name));
    }

    [Theory]
    [InlineData("function %f wasm () {\nblock0:\n    v1 = iadd.i32 v0, v0\n    return\n}", 3, 19, "v0 is used but never defined")]
    [InlineData("function %f wasm (i32) {\nblock0(v0: i32):\n    v0 = iconst.i32 1\n    return\n}", 3, 5, "v0 is defined twice")]
    [InlineData("function %f wasm () {\nblock0:\n    v0 = iadd v1, v1\n}", 3, 10, "iadd needs a type suffix (.i32, .i64, .f32, .f64)")]
    [InlineData("function %f wasm () {\nblock0:\n    v0 = frobnicate.i32 v1\n}", 3, 10, "unknown instruction 'frobnicate'")]
    [InlineData("function %f wasm () {\nblock0:\n    v0 = uextend.i64 v1\n}", 3, 10, "uextend takes no type suffix")]
    [InlineData("function %f wasm () {\nblock0:\n    v0 = iconst.i32 4294967296\n}", 3, 21, "malformed i32 constant")]
    [InlineData("function %f wasm () {\nblock0:\n    v0, v2 = call fn0()\n}", 3, 9, "the results of one instruction must be consecutive values")]
    [InlineData("function %f wasm () {\nblock0:\n    trap nothing\n}", 3, 10, "expected a trap code")]
    [InlineData("function %f wasm () {\nblock0:\n    v1 = load.i32 heap v0\n}", 3, 19, "expected an alias region")]
    [InlineData("function %f wasm () {\nblock0:\n    return\nblock0:\n    return\n}", 4, 1, "block0 is defined twice")]
    [InlineData("function %f wasm () {\nblock0:\n    return\n", 4, 1, "expected '}'")]
    [InlineData("function %f cdecl () {", 1, 13, "expected a calling convention (wasm or sysv)")]
    [InlineData("function %f wasm () {\n    sig1 = wasm ()\nblock0:\n    return\n}", 2, 5, "expected sig0 (signatures are numbered in order)")]
    [InlineData("function %f wasm () {\nblock0:\n    v0 = call fn0()\n}", 3, 15, "unknown function fn0")]
    [InlineData("function %f wasm () {\nblock0:\n    return # \n}", 3, 12, "unexpected character '#'")]
    public void MalformedTextIsReportedWithItsLocation(string text, int line, int column, string message)
    {
        var e = Assert.Throws<Hoist.Wasm.MalformedException>(() => IrParser.Parse(text, "t.ir"));
        Assert.Equal(message, e.Message);
        Assert.Equal(line, e.Location.Line);
        Assert.Equal(column, e.Location.Column);
        Assert.Equal("t.ir", e.Location.File);
    }

    [Fact]
    public void ComparerIgnoresNumberingButNotStructure()
    {
        var a = IrParser.Parse("""
            function %f wasm (i32) -> i32 {
            block0(v0: i32):
                v1 = iconst.i32 2
                v2 = imul.i32 v0, v1
                jump block1(v2)
            block1(v3: i32):
                return v3
            }
            """);
        var renumbered = IrParser.Parse("""
            function %f wasm (i32) -> i32 {
            block4(v10: i32):
                v7 = iconst.i32 2
                v5 = imul.i32 v10, v7
                jump block9(v5)
            block9(v1: i32):
                return v1
            }
            """);
        var swapped = IrParser.Parse("""
            function %f wasm (i32) -> i32 {
            block0(v0: i32):
                v1 = iconst.i32 2
                v2 = imul.i32 v1, v0
                jump block1(v2)
            block1(v3: i32):
                return v3
            }
            """);
        var otherConst = IrParser.Parse("""
            function %f wasm (i32) -> i32 {
            block0(v0: i32):
                v1 = iconst.i32 3
                v2 = imul.i32 v0, v1
                jump block1(v2)
            block1(v3: i32):
                return v0
            }
            """);
        Assert.Null(IrComparer.Difference(a, renumbered));
        Assert.Contains("operands do not correspond", IrComparer.Difference(a, swapped));
        Assert.Contains("different immediates", IrComparer.Difference(a, otherConst));
    }

    [Fact]
    public void CloneIsEqualAndIndependent()
    {
        var f = EveryOpcode.Build();
        var g = f.Clone();
        Assert.Null(IrComparer.Difference(f, g));
        g.RemoveInst(g.FirstInst(g.EntryBlock));
        Assert.NotNull(IrComparer.Difference(f, g));
        Verifier.Verify(f);
    }
}
