using Hoist.Optimizing.Ir;

namespace Hoist.Tests.Optimizing;

/// <summary>Each verifier rule on a function that breaks it (and only it).</summary>
public class VerifierTests
{
    static List<string> Errors(string body, string sig = "wasm (i64, i32) -> i32", string decls = "") =>
        Verifier.Check(IrParser.Parse($"function %t {sig} {{\n{decls}\n{body}\n}}"));

    static void AssertError(string expected, string body, string sig = "wasm (i64, i32) -> i32", string decls = "")
    {
        var errors = Errors(body, sig, decls);
        Assert.True(errors.Exists(e => e.Contains(expected)), $"expected an error containing '{expected}', got:\n{string.Join("\n", errors)}");
    }

    [Fact]
    public void AValidFunctionHasNoErrors()
    {
        Assert.Empty(Errors("""
            block0(v0: i64, v1: i32):
                brif v1, block1, block2(v1)
            block1:
                v2 = iconst.i32 1
                jump block2(v2)
            block2(v3: i32):
                return v3
            """));
    }

    [Fact]
    public void UseNotDominatedByDefinition() => AssertError("the use of v2 is not dominated by its definition", """
        block0(v0: i64, v1: i32):
            brif v1, block1, block2
        block1:
            v2 = iconst.i32 1
            jump block2
        block2:
            return v2
        """);

    [Fact]
    public void UseBeforeDefinitionInTheSameBlock() => AssertError("the use of v3 is not dominated by its definition", """
        block0(v0: i64, v1: i32):
            v2 = iadd.i32 v3, v1
            v3 = iconst.i32 1
            return v2
        """);

    [Fact]
    public void AnInstructionCannotUseItsOwnResult() => AssertError("the use of v2 is not dominated", """
        block0(v0: i64, v1: i32):
            v2 = iadd.i32 v2, v1
            return v2
        """);

    [Fact]
    public void UnreachableBlocksAreNotCheckedForDominance() => Assert.Empty(Errors("""
        block0(v0: i64, v1: i32):
            return v1
        block1:
            v2 = iadd.i32 v3, v3
            jump block2
        block2:
            v3 = iconst.i32 1
            jump block1
        """));

    [Fact]
    public void MissingTerminator() => AssertError("the block does not end with a terminator", """
        block0(v0: i64, v1: i32):
            v2 = iconst.i32 1
        """);

    [Fact]
    public void TerminatorInTheMiddle() => AssertError("a terminator in the middle of the block", """
        block0(v0: i64, v1: i32):
            return v1
            v2 = iconst.i32 1
            return v2
        """);

    [Fact]
    public void OperandTypeMismatch() => AssertError("operand 1 is i64, expected i32", """
        block0(v0: i64, v1: i32):
            v2 = iadd.i32 v1, v0
            return v2
        """);

    [Fact]
    public void ControlTypeOutsideItsClass() => AssertError("the controlling type f32 is not Int", """
        block0(v0: i64, v1: i32):
            v2 = fconst.f32 1
            v3 = iadd.f32 v2, v2
            return v1
        """);

    [Fact]
    public void FixedOperandType() => AssertError("operand 0 is i32, expected I64", """
        block0(v0: i64, v1: i32):
            v2 = load.i32 mem0 v1
            return v2
        """);

    [Fact]
    public void ReturnTypes() => AssertError("returned values: #0 is i64, expected i32", """
        block0(v0: i64, v1: i32):
            return v0
        """);

    [Fact]
    public void EntryParametersMustMatchTheSignature() => AssertError("entry parameter v1 is i64, the signature says i32", """
        block0(v0: i64, v1: i64):
            trap unreachable
        """);

    [Fact]
    public void BranchArgumentsMustMatchParameters()
    {
        AssertError("1 arguments to block1, which has 0 parameters", """
            block0(v0: i64, v1: i32):
                jump block1(v1)
            block1:
                return v1
            """);
        AssertError("argument 0 to block1 is i64, the parameter is i32", """
            block0(v0: i64, v1: i32):
                jump block1(v0)
            block1(v2: i32):
                return v2
            """);
    }

    [Fact]
    public void TheEntryBlockIsNotABranchTarget() => AssertError("the entry block cannot be a branch target", """
        block0(v0: i64, v1: i32):
            jump block0(v0, v1)
        """);

    [Fact]
    public void BranchToABlockOutsideTheLayout()
    {
        var f = IrParser.Parse("""
            function %t wasm () {
            block0:
                jump block1
            block1:
                return
            }
            """);
        f.RemoveBlock(new Block(1));
        Assert.Contains(Verifier.Check(f), e => e.Contains("target block1 is not in the layout"));
    }

    [Fact]
    public void UseOfARemovedInstructionsResult()
    {
        var f = IrParser.Parse("""
            function %t wasm () -> i32 {
            block0:
                v0 = iconst.i32 1
                return v0
            }
            """);
        f.RemoveInst(f.FirstInst(f.EntryBlock));
        Assert.Contains(Verifier.Check(f), e => e.Contains("v0 is the result of an instruction that was removed"));
    }

    [Fact]
    public void CallArgumentsAndConvention()
    {
        const string decls = "    sig0 = wasm (i64) -> i32\n    sig1 = sysv (i64) -> i32\n    fn0 = func 1 sig0\n    fn1 = func 2 sig1";
        AssertError("call arguments: #0 is i32, expected i64", """
            block0(v0: i64, v1: i32):
                v2 = call fn0(v1)
                return v2
            """, decls: decls);
        AssertError("a wasm function is called with the wasm convention", """
            block0(v0: i64, v1: i32):
                v2 = call fn1(v0)
                return v2
            """, decls: decls);
        AssertError("a tail call must use the wasm convention", """
            block0(v0: i64, v1: i32):
                return_call_indirect sig1, v0(v0)
            """, decls: decls);
        AssertError("a tail call's results must be the function's", """
            block0(v0: i64, v1: i32):
                return_call fn0(v0)
            """, sig: "wasm (i64, i32) -> i64", decls: decls);
    }

    [Fact]
    public void BitcastMustChangeClassAndKeepSize() => AssertError("bitcast from i32 to i64", """
        block0(v0: i64, v1: i32):
            v2 = bitcast.i64 v1
            return v1
        """);

    [Fact]
    public void ImmediatesAreChecked()
    {
        var f = IrParser.Parse("""
            function %t wasm (i32) -> i32 {
            block0(v0: i32):
                v1 = icmp.i32 eq v0, v0
                trapz v0, unreachable
                return v1
            }
            """);
        f.SetCode(f.FirstInst(f.EntryBlock), 99);
        f.SetCode(f.NextInst(f.FirstInst(f.EntryBlock)), 0);
        var errors = Verifier.Check(f);
        Assert.Contains(errors, e => e.Contains("unknown integer condition"));
        Assert.Contains(errors, e => e.Contains("unknown trap code"));
    }

    [Fact]
    public void AliasesResolveForTheChecks()
    {
        var f = IrParser.Parse("""
            function %t wasm (i32) -> i32 {
            block0(v0: i32):
                v1 = iconst.i32 0
                v2 = iadd.i32 v0, v1
                return v2
            }
            """);
        f.ReplaceWithValue(f.DefiningInst(new Value(2)), new Value(0));
        Verifier.Verify(f);
        Assert.Contains("return v0", IrPrinter.Print(f));
    }

    [Fact]
    public void VerifyThrowsWithTheListAndTheFunction()
    {
        var f = IrParser.Parse("function %bad wasm () -> i32 {\nblock0:\n    v0 = iconst.i64 1\n    return v0\n}");
        var e = Assert.Throws<IrVerificationException>(() => Verifier.Verify(f));
        Assert.Contains("returned values: #0 is i64, expected i32", e.Message);
        Assert.Contains("function %bad", e.Message);
    }
}
