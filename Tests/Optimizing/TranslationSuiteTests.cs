using Hoist.Optimizing;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.Translate;
using Hoist.Tests.Spec;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Validation;
using Xunit.Abstractions;

namespace Hoist.Tests.Optimizing;

/// <summary>
/// Every function of every valid module in the spec suite's core files translates to IR that verifies,
/// prints and parses back to an equal function, and still verifies after the optimization pipeline (run
/// with verification after each pass); the only functions allowed not to translate are those using a
/// proposal outside the optimizing compiler's scope (SIMD, GC, exceptions, threads).
/// </summary>
public class TranslationSuiteTests(ITestOutputHelper output)
{
    static readonly HashSet<Feature> s_outOfScope =
        [Feature.Simd, Feature.Relaxedsimd, Feature.Gc, Feature.Exceptions, Feature.Legacyexceptions, Feature.Threads, Feature.Widearith];

    public static TheoryData<string> Core => SpecSuite.Files("core");

    [Theory]
    [MemberData(nameof(Core))]
    public void EveryFunctionTranslatesAndVerifies(string file)
    {
        int modules = 0, functions = 0, unsupported = 0;
        foreach (var (line, module) in WastModules.Valid(SpecSuite.FullPath(file)))
        {
            ModuleContext ctx;
            try { ctx = ModuleValidator.ValidateModule(module); }
            catch (WasmException e)
            {
                // A front-end problem (its own spec tests track those), not the translator's.
                output.WriteLine($"{file}:{line}: module-level validation rejected a valid module: {e.Message}");
                continue;
            }
            var env = new ModuleEnvironment(ctx, new VmOffsets(module));
            var translator = new FunctionTranslator(env);
            var pipeline = new PassManager(PassManager.CreateDefault().Passes) { VerifyEachPass = true };
            modules++;
            for (int i = 0; i < module.Code.Count; i++)
            {
                Function f;
                try { f = translator.Translate(i); }
                catch (UnsupportedFeatureException e)
                {
                    Assert.True(s_outOfScope.Contains(e.Feature), $"{file}:{line}: function {i}: {e.Message}");
                    unsupported++;
                    continue;
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    throw new Xunit.Sdk.XunitException($"{file}:{line}: function {i} of a valid module failed: {e}");
                }
                try
                {
                    Verifier.Verify(f);
                    string text = IrPrinter.Print(f);
                    var g = IrParser.Parse(text);
                    Assert.Null(IrComparer.Difference(f, g));
                    pipeline.Run(f);
                }
                catch (Exception e) when (e is not Xunit.Sdk.XunitException)
                {
                    throw new Xunit.Sdk.XunitException($"{file}:{line}: function {i}: {e}");
                }
                functions++;
            }
        }
        output.WriteLine($"{file}: {modules} modules, {functions} functions translated, {unsupported} out of scope");
    }
}
