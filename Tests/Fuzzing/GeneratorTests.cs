using Hoist.Runtime.Fuzzing;
using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Fuzzing;

/// <summary>The module generator: valid modules, the same for the same seed, every in-scope operator, and profiles that keep their promises.</summary>
public class GeneratorTests(Xunit.Abstractions.ITestOutputHelper output)
{
    [Fact]
    public void EveryGeneratedModuleValidatesAndCoversTheTiersScope()
    {
        var coverage = new OpcodeCoverage();
        for (int i = 0; i < 400; i++)
        {
            var module = DiffFuzzer.Generate(runSeed: 11, i);
            byte[] binary = ModuleEmitter.Encode(module);
            var decoded = FrontEnd.Decode(binary);
            try { ModuleValidator.Validate(decoded); }
            catch (WasmException e) { Assert.Fail($"module {i} is invalid: {e.Message}"); }
            coverage.Add(decoded);
        }
        output.WriteLine(coverage.Summary());
        Assert.Empty(coverage.Missing.Select(op => op.Mnemonic()));
        Assert.Equal(TierScope.All.Count, coverage.Covered);
    }

    [Fact]
    public void EveryGeneratedModulePrintsAsTextThatParsesBackToTheSameBinary()
    {
        for (int i = 0; i < 200; i++)
        {
            byte[] binary = ModuleEmitter.Encode(DiffFuzzer.Generate(runSeed: 12, i));
            string text = Hoist.Wasm.Text.WatPrinter.Print(FrontEnd.Decode(binary));
            Assert.True(binary.AsSpan().SequenceEqual(FrontEnd.TextToBinary(text)), $"module {i}:\n{text}");
        }
    }

    /// <summary>
    /// A scratch local of NaN canonicalisation holds the raw result, whose NaN bits the spec leaves open: code that
    /// read it would make runs differ legitimately (a generator bug the fuzzer once had).
    /// </summary>
    [Fact]
    public void NoGeneratedCodeTouchesTheScratchLocalsOfCanonicalisation()
    {
        static IEnumerable<GNode> All(List<GNode> nodes) => nodes.SelectMany(n => n.ChildLists.SelectMany(All).Prepend(n));
        for (int i = 0; i < 200; i++)
        {
            foreach (var f in DiffFuzzer.Generate(13, i).Funcs)
            {
                var scratch = new[] { f.ScratchF32, f.ScratchF64 }.Where(x => x >= 0).ToArray();
                foreach (var node in All(f.Body))
                {
                    if (node is GOp { Op: Opcode.LocalGet or Opcode.LocalSet or Opcode.LocalTee } op)
                        Assert.DoesNotContain(op.Imm.Index, scratch);
                    if (node is GUnpack u) Assert.Empty(u.Locals.Intersect(scratch));
                }
            }
        }
    }

    [Fact]
    public void TheSameSeedGivesTheSameModuleAndCalls()
    {
        for (int i = 0; i < 20; i++)
        {
            var a = DiffFuzzer.Generate(5, i);
            var b = DiffFuzzer.Generate(5, i);
            Assert.Equal(ModuleEmitter.Encode(a), ModuleEmitter.Encode(b));
            Assert.Equal(a.Calls.Select(c => (a.Funcs.IndexOf(c.Func), string.Join(',', c.Args))), b.Calls.Select(c => (b.Funcs.IndexOf(c.Func), string.Join(',', c.Args))));
        }
        Assert.NotEqual(ModuleEmitter.Encode(DiffFuzzer.Generate(5, 0)), ModuleEmitter.Encode(DiffFuzzer.Generate(6, 0)));
    }

    [Fact]
    public void TheV8ProfileUsesNothingV8ElevenDoesNotRunAsSpecified()
    {
        var excluded = new[] { Opcode.CallRef, Opcode.ReturnCallRef, Opcode.RefAsNonNull, Opcode.BrOnNull, Opcode.BrOnNonNull };
        for (int seed = 0; seed < 200; seed++)
        {
            var m = FrontEnd.Decode(ModuleEmitter.Encode(ModuleGenerator.Generate(seed, GeneratorOptions.V8Compatible)));
            Assert.True(m.Memories.Count <= 1, $"seed {seed}: {m.Memories.Count} memories");
            Assert.All(m.Memories, mem => Assert.False(mem.Limits.Is64));
            Assert.All(m.Tables, t => Assert.False(t.Type.Limits.Is64));
            // Only the reference types of Wasm 2.0: nullable, abstract (funcref, externref), anywhere a type appears.
            static bool Typed(ValType v) => v.IsRef && (v.Heap.IsConcrete || !v.Nullable);
            Assert.All(m.Types, t => Assert.DoesNotContain(((FuncType)t.Composite).Params.Concat(((FuncType)t.Composite).Results), Typed));
            Assert.All(m.Code, body => Assert.DoesNotContain(body.Locals, l => Typed(l.Type)));
            Assert.All(m.Globals, g => Assert.False(Typed(g.Type.Type)));
            Assert.All(m.Tables, t => Assert.False(Typed(t.Type.Element)));
            foreach (var body in m.Code)
            {
                var ops = OperatorReader.ForBody(body.Code.Span, 0);
                while (!ops.AtEnd)
                {
                    var op = ops.Read();
                    if (op.Opcode is Opcode.Block or Opcode.Loop or Opcode.If && op.Block.Kind == BlockTypeKind.Value) Assert.False(Typed(op.Block.Value), $"seed {seed}: block type {op.Block.Value}");
                    if (op.Opcode == Opcode.SelectTyped) Assert.All(op.Types.ToArray(), t => Assert.False(Typed(t)));
                }
            }
            var coverage = new OpcodeCoverage();
            coverage.Add(m);
            Assert.All(excluded, op => Assert.Equal(0, coverage.Count(op)));
            foreach (var g in m.Globals)
            {
                var reader = OperatorReader.ForConstExpr(g.Init.Code.Span, 0);
                var first = reader.Read();
                Assert.NotEqual(Opcode.GlobalGet, first.Opcode);
            }
        }
    }

    [Fact]
    public void NaNArgumentsCarryNoPayloadInTheV8Profile()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            foreach (var call in ModuleGenerator.Generate(seed, GeneratorOptions.V8Compatible).Calls)
                foreach (var a in call.Args.Where(a => a.Type.IsNumeric && EdgeValues.IsNan(a.Type.Kind, a.Bits)))
                    Assert.Equal(a.Type.Kind == ValKind.F32 ? EdgeValues.CanonicalNanF32 : EdgeValues.CanonicalNanF64, a.Bits);
        }
    }
}
