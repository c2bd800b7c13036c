using Hoist.Optimizing;
using Hoist.Optimizing.Ir;
using Hoist.Optimizing.Isa.X64;
using Hoist.Optimizing.Passes;
using Hoist.Optimizing.RegAlloc;
using Hoist.Optimizing.Translate;
using Hoist.Tests.Spec;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Validation;

namespace Hoist.Tests.Optimizing.X64;

/// <summary>
/// The x64 lowering and the register allocator on real code: every function of every valid module of the spec
/// suite's core files (and the benchmark programs) is lowered and allocated, and the allocation passes the
/// checker (each use reads the vreg it names, constraints hold); then emission must succeed.
/// </summary>
public class AllocationCheckTests
{
    public static TheoryData<string> Core => SpecSuite.Files("core");

    [Theory]
    [MemberData(nameof(Core))]
    public void EveryFunctionAllocatesCorrectly(string file)
    {
        foreach (var (line, module) in WastModules.Valid(SpecSuite.FullPath(file)))
        {
            ModuleContext ctx;
            try { ctx = ModuleValidator.ValidateModule(module); }
            catch (WasmException) { continue; }
            CheckModule(ctx, module, $"{file}:{line}");
        }
    }

    [Theory]
    [InlineData("strings")] [InlineData("vm")] [InlineData("sort")] [InlineData("lz")] [InlineData("sha256")]
    public void BenchmarkProgramAllocatesCorrectly(string name)
    {
        string path = Path.Combine(SpecSuite.RepoRoot, "Bench", "programs", name + ".wasm");
        var module = FrontEnd.Decode(File.ReadAllBytes(path), path);
        CheckModule(ModuleValidator.ValidateModule(module), module, name);
    }

    /// <summary>
    /// A br_table whose entries all go one way (after a call) ended a single-successor block with an instruction that
    /// defines a register: the allocator put the edge's moves before it, and its copy of the index overwrote a
    /// loop counter just reloaded into the same register (fuzz seed 22, module 1604, shrunk; the loop ran until
    /// its fuel ran out). Such branches are plain jumps now.
    /// </summary>
    [Fact]
    public void BrTableWithOneTargetAfterACall()
    {
        const string wat = """
            (module
              (type (;0;) (func (param f32 i64) (result i32 f64)))
              (type (;1;) (func (param i64 i32 f32 i32 f64) (result f32)))
              (type (;2;) (func (param f32 i32 f32 i64 f32)))
              (type (;3;) (func (param i32 i32) (result i32)))
              (type (;4;) (func (param f64 f64) (result f64)))
              (type (;5;) (func (param externref) (result externref)))
              (type (;6;) (func (param funcref i32) (result funcref)))
              (type (;7;) (func (result funcref i32)))
              (type (;8;) (func (result i32 funcref)))
              (type (;9;) (func (param f64) (result f64)))
              (type (;10;) (func (result i64 i32)))
              (type (;11;) (func (param f64) (result i64)))
              (type (;12;) (func (param i32) (result i32)))
              (type (;13;) (func (result i64 i32 f32 i32 f64)))
              (type (;14;) (func (param i32) (result f32)))
              (type (;15;) (func (result i64 i64)))
              (type (;16;) (func (param i32)))
              (type (;17;) (func (param i32 i32) (result i32 i32)))
              (type (;18;) (func (param i32) (result f64)))
              (type (;19;) (func (param f64) (result funcref)))
              (type (;20;) (func (param f32)))
              (type (;21;) (func (param i32) (result i64)))
              (type (;22;) (func (param f64)))
              (type (;23;) (func (result f32 i64)))
              (type (;24;) (func (result f64 f64)))
              (type (;25;) (func (param f32) (result f32)))
              (type (;26;) (func (param f64) (result i32 f32)))
              (type (;27;) (func (param i64) (result i64)))
              (type (;28;) (func (param f64) (result i32)))
              (import "host" "mix32" (func (;0;) (type 3)))
              (import "host" "mixf64" (func (;1;) (type 4)))
              (import "host" "same" (func (;2;) (type 5)))
              (import "host" "pick" (func (;3;) (type 6)))
              (func (;4;) (type 2) (local funcref i32 f64 i32 f64 i32 f32 i64 i64 i32 f32 f64)
                global.get 1
                i32.eqz
                if
                  unreachable
                end
                global.get 1
                i32.const 1
                i32.sub
                global.set 1
                loop (result i64)
                  global.get 1
                  i32.eqz
                  if
                    unreachable
                  end
                  global.get 1
                  i32.const 1
                  i32.sub
                  global.set 1
                  i32.const 0
                  block (type 18)
                    block (type 24)
                      i32.const 0
                      if
                        f64.const 0
                        block (type 22)
                          local.set 9
                          loop
                            global.get 1
                            i32.eqz
                            if
                              unreachable
                            end
                            global.get 1
                            i32.const 1
                            i32.sub
                            global.set 1
                            i32.const 0
                            if
                              f64.const 0
                              f64.const 0
                              f64.const 0
                              f64.const 0
                              f64.ge
                              br_if 4
                              local.set 7
                              local.set 9
                              i32.const 0
                              local.get 1
                              i32.const 0
                              memory.fill 0
                            else
                              local.get 5
                              local.set 5
                            end
                          end
                        end
                      end
                      f64.const 0
                      f64.const 0
                    end
                    call 1
                    f64.const 0
                    f64.le
                    f64.const 0
                    f64.store offset=11 align=2
                    f64.const 0
                    i32.const 0
                    br_table 0
                    global.set 2
                    f64.const 0
                  end
                  drop
                  local.get 14
                  i32.const 1
                  i32.add
                  local.tee 14
                  i32.const 9
                  i32.lt_u
                  br_if 0
                  i64.const 0
                end
                local.set 3)
              (table (;0;) 4 5 funcref)
              (memory (;0;) 2 4)
              (global (;0;) (mut f32) f32.const 0)
              (global (;1;) (mut i32) i32.const 300)
              (global (;2;) (mut i64) i64.const 0)
              (global (;3;) (mut i32) i32.const 0)
              (global (;4;) (mut i64) i64.const 0)
              (export "f0" (func 4))
              (export "t0" (table 0))
              (export "m0" (memory 0))
              (export "g0" (global 0))
              (export "fuel" (global 1))
              (export "g2" (global 2))
              (export "g3" (global 3))
              (export "g4" (global 4))
              (elem (;0;) (table 0) (offset i32.const 0) funcref)
              (elem (;1;) (table 0) (offset i32.const 0) funcref)
              (elem (;2;) funcref)
              (elem (;3;) funcref)
              (data (;0;) (memory 0) (offset i32.const 21) "")
              (data (;1;) (memory 0) (offset i32.const 28) "")
              (data (;2;) (memory 0) (offset i32.const 57955) ""))
            """;
        var module = FrontEnd.Decode(FrontEnd.TextToBinary(wat), "fuzz-22-1604.wat");
        CheckModule(ModuleValidator.ValidateModule(module), module, "fuzz-22-1604");
    }

    /// <summary>Lowers, allocates and checks every function; throws with the function and the checker's findings.</summary>
    internal static void CheckModule(ModuleContext ctx, WasmModule module, string where)
    {
        var offsets = new VmOffsets(module);
        var env = new ModuleEnvironment(ctx, offsets);
        var translator = new FunctionTranslator(env);
        var passes = PassManager.CreateDefault();
        var lower = new Lower();
        var emitter = new Emitter(offsets, fuel: false, epoch: false);
        for (int i = 0; i < module.Code.Count; i++)
        {
            Function f;
            try { f = translator.Translate(i); }
            catch (UnsupportedFeatureException) { continue; }
            passes.Run(f);
            var lowered = lower.Run(f, interruptChecks: i % 2 == 1);
            var alloc = LinearScan.Allocate(lowered.Code, X64Regs.Env);
            var errors = Checker.Check(lowered.Code, alloc);
            if (errors.Count > 0)
                throw new Xunit.Sdk.XunitException($"{where}: function {i}: {string.Join("\n", errors.Take(10))}\n"
                    + Hoist.Optimizing.CodeGen.VCodePrinter.Print(lowered.Code, m => m.ToString(), alloc));
            emitter.Run(lowered, alloc);
        }
    }
}
