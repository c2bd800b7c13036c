using Hoist.Compiler;
using Hoist.Isa;
using Hoist.Isa.X64;
using Hoist.Runtime;
using Hoist.Tests.Validation;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Tests.Runtime;

/// <summary>What a hand-written function body gets: its assembler, the module's VMContext layout and its index.</summary>
sealed record HandFunction(MacroAssembler Asm, VmOffsets Offsets, int DefinedIndex, WasmModule Module)
{
    /// <summary>The ABI prologue: push rbp; mov rbp, rsp; push r14; the stack check; rsp 16-aligned after it.</summary>
    public void Prologue(int frameBytes = 0)
    {
        var a = Asm;
        a.Push(Gpr.Rbp);
        a.Mov(Width.W64, Gpr.Rbp, Gpr.Rsp);
        a.Push(Gpr.R14);
        a.Mov(Width.W64, Gpr.R11, Mem.At(Gpr.R14, Offsets.StoreContext));
        a.Lea(Width.W64, Gpr.R10, Mem.At(Gpr.Rsp, -(frameBytes + 8)));
        a.Cmp(Width.W64, Gpr.R10, Mem.At(Gpr.R11, VmStoreContext.StackLimit));
        a.TrapIf(Cond.Below, TrapCode.StackOverflow);
        a.Sub(Width.W64, Gpr.Rsp, frameBytes + 8);
    }

    /// <summary>leave; ret (n).</summary>
    public void Epilogue(int popBytes = 0)
    {
        Asm.Mov(Width.W64, Gpr.Rsp, Gpr.Rbp);
        Asm.Pop(Gpr.Rbp);
        if (popBytes == 0) Asm.Ret();
        else Asm.Emit(Iced.Intel.Instruction.Create(Iced.Intel.Code.Retnq_imm16, popBytes));
    }

    /// <summary>Calls imported function <paramref name="index"/> through its VMContext entry, then restores r14.</summary>
    public void CallImport(uint index)
    {
        int entry = Offsets.ImportedFunction(index);
        Asm.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, entry + VmOffsets.ImportedFunctionCode));
        Asm.Mov(Width.W64, Gpr.R14, Mem.At(Gpr.R14, entry + VmOffsets.ImportedFunctionVmContext));
        Asm.Call(Gpr.Rax);
        Asm.Mov(Width.W64, Gpr.R14, Mem.At(Gpr.Rbp, Abi.SavedVmContextOffset));
    }

    /// <summary>Calls a function of the module directly (a WasmFunction relocation).</summary>
    public void CallFunction(uint index) => Asm.Call(RelocTarget.Function(index));

    /// <summary>Calls builtin <paramref name="id"/> with rdi = vmctx (other arguments already in place).</summary>
    public void CallBuiltin(BuiltinId id)
    {
        Asm.Mov(Width.W64, Gpr.Rdi, Gpr.R14);
        Asm.Mov(Width.W64, Gpr.Rax, Mem.At(Gpr.R14, Offsets.Builtins));
        Asm.Call(Mem.At(Gpr.Rax, Builtins.TableOffset(id)));
        Asm.Mov(Width.W64, Gpr.R14, Mem.At(Gpr.Rbp, Abi.SavedVmContextOffset));
    }

    /// <summary>rax = base of defined memory 0 (inline), rcx = its length.</summary>
    public void LoadMemory0(Gpr baseReg, Gpr lengthReg)
    {
        var (indirect, offset) = Offsets.Memory(0);
        if (indirect)
        {
            Asm.Mov(Width.W64, lengthReg, Mem.At(Gpr.R14, offset));
            Asm.Mov(Width.W64, baseReg, Mem.At(lengthReg, VmOffsets.MemoryBase));
            Asm.Mov(Width.W64, lengthReg, Mem.At(lengthReg, VmOffsets.MemoryLength));
        }
        else
        {
            Asm.Mov(Width.W64, baseReg, Mem.At(Gpr.R14, offset + VmOffsets.MemoryBase));
            Asm.Mov(Width.W64, lengthReg, Mem.At(Gpr.R14, offset + VmOffsets.MemoryLength));
        }
    }
}

/// <summary>A compiler whose functions are written by hand, one emitter per defined function.</summary>
sealed class HandCompiler(params Action<HandFunction>[] bodies) : ICompiler
{
    public string Name => "hand";

    public CompiledModule Compile(CompileInput input)
    {
        var code = new MachineCode[input.Module.Functions.Count];
        for (int i = 0; i < code.Length; i++)
        {
            var a = new MacroAssembler();
            bodies[i](new HandFunction(a, input.Offsets, i, input.Module));
            code[i] = a.Finish();
        }
        return new CompiledModule(Name, code);
    }
}

/// <summary>Engines and modules for runtime tests with hand-written code.</summary>
static class Hand
{
    public static Engine Engine(params Action<HandFunction>[] bodies) => new(new Config(), new HandCompiler(bodies));

    public static Engine Engine(Config config, params Action<HandFunction>[] bodies) => new(config, new HandCompiler(bodies));

    /// <summary>A module model whose function bodies are just <c>end</c> (the hand compiler ignores them).</summary>
    public static uint AddFunc(this WasmModule m, ValType[] parameters, ValType[] results, string? name = null)
    {
        uint index = m.AddFunc(parameters, results, new Code().End());
        if (name is not null)
        {
            m.Names ??= new NameSection();
            m.Names.FunctionNames[index] = name;
        }
        return index;
    }

    public static void Export(this WasmModule m, string name, ExternKind kind, uint index) => m.Exports.Add(new Export(name, kind, index));

    public static uint ImportFunc(this WasmModule m, string module, string name, ValType[] parameters, ValType[] results)
    {
        uint type = m.AddFuncType(parameters, results);
        m.Imports.Add(new Import(module, name, ImportDesc.ForFunc(type)));
        m.InvalidateIndexSpaces();
        return (uint)(m.ImportedFunctionCount - 1);
    }

    public static Module Module(Engine engine, WasmModule m) => new(engine, m, null);

    public static readonly ValType I32 = ValType.I32, I64 = ValType.I64, F32 = ValType.F32, F64 = ValType.F64;
}
