using Hoist.Compiler;
using Hoist.Tests.Spec;
using Hoist.Wasm;
using Hoist.Wasm.Text;
using Xunit.Abstractions;

namespace Hoist.Tests.Baseline;

/// <summary>
/// Every valid module of the core spec suite compiles with the baseline compiler. The only modules allowed
/// to fail are those that use a feature the baseline tier leaves out (SIMD, GC, exceptions), and they must
/// fail with <see cref="UnsupportedFeatureException"/> naming that feature.
/// </summary>
public class SuiteCompileTests(ITestOutputHelper output)
{
    static readonly Feature[] s_excluded = [Feature.Simd, Feature.Relaxedsimd, Feature.Gc, Feature.Exceptions, Feature.Legacyexceptions];

    public static TheoryData<string> CoreFiles()
    {
        var data = new TheoryData<string>();
        foreach (string f in SpecSuite.Files("core"))
        {
            string name = Path.GetFileName(f);
            if (name.StartsWith("simd_", StringComparison.Ordinal) || name.StartsWith("relaxed", StringComparison.Ordinal)) continue;
            data.Add(f);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(CoreFiles))]
    public void EveryValidModuleCompiles(string file)
    {
        WastScript script = WastParser.ParseFile(SpecSuite.FullPath(file));
        int compiled = 0, unsupported = 0, invalid = 0;
        var failures = new List<string>();
        foreach (WastCommand command in script.Commands)
        {
            WastModule? m = command switch
            {
                WastModuleCommand c => c.Module,
                WastAssertTrap { Module: not null } t => t.Module,
                WastAssertUnlinkable u => u.Module,
                _ => null,
            };
            if (m is null || BaselineHarness.ModelOf(m) is not WasmModule module) continue;
            try
            {
                CompiledModule code = BaselineHarness.Compile(module);
                Assert.Equal(module.Code.Count, code.Functions.Length);
                compiled++;
            }
            catch (UnsupportedFeatureException e) when (s_excluded.Contains(e.Feature))
            {
                unsupported++;
            }
            catch (ValidationException)
            {
                invalid++; // a module the script expects to fail elsewhere (or a validator gap: not ours)
            }
            catch (Exception e)
            {
                failures.Add($"line {m.Line}: {e.GetType().Name}: {e.Message}\n{e.StackTrace}");
            }
        }
        output.WriteLine($"{file}: {compiled} compiled, {unsupported} unsupported (excluded features), {invalid} invalid");
        Assert.True(failures.Count == 0, $"{failures.Count} modules failed to compile:\n" + string.Join("\n", failures.Take(20)));
    }
}
