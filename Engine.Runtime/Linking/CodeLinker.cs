using System.Buffers.Binary;
using Hoist.Compiler;
using Hoist.Isa;
using Hoist.Runtime.Builtins;
using Hoist.Runtime.Native;
using Hoist.Runtime.Trampolines;
using Hoist.Wasm;

namespace Hoist.Runtime.Linking;

/// <summary>
/// Lays out a compiled module in one code memory and resolves its relocations: each function at
/// <see cref="MachineCode.FunctionAlignment"/>, then the module's <see cref="TrapHandler"/>; calls between
/// defined functions and to the trap handler are patched (PcRel32 or Abs64); libcalls resolve to the
/// builtins' entry points (Abs64). Calls to imported functions go through the VMContext's import entries,
/// so a relocation naming an imported function is a compiler bug and is reported as one. Padding is int3.
/// </summary>
internal static class CodeLinker
{
    public static ModuleCode Link(WasmModule module, string? file, CompiledModule compiled, int storeContextOffset)
    {
        MachineCode[] functions = compiled.Functions;
        if (functions.Length != module.Functions.Count)
            throw new InvalidOperationException($"the {compiled.Compiler} compiler returned {functions.Length} functions for {module.Functions.Count}");
        int imported = module.ImportedFunctionCount;
        var offsets = new int[functions.Length];
        int size = 0;
        for (int i = 0; i < functions.Length; i++)
        {
            size = AlignUp(size);
            offsets[i] = size;
            size += functions[i].Size;
        }
        MachineCode handler = TrapHandler.Emit(storeContextOffset);
        int handlerOffset = AlignUp(size);
        size = handlerOffset + handler.Size;

        var memory = new CodeMemory(size, (code, address) =>
        {
            code.Fill(0xCC);
            for (int i = 0; i < functions.Length; i++)
            {
                MachineCode f = functions[i];
                f.Bytes.CopyTo(code[offsets[i]..]);
                foreach (Relocation r in f.Relocations)
                {
                    int at = offsets[i] + r.Offset;
                    long target = Target(r.Target, offsets, handlerOffset, imported, address, compiled.Compiler, i);
                    Patch(code, at, r.Kind, target, address);
                }
            }
            handler.Bytes.CopyTo(code[handlerOffset..]);
            if (Environment.GetEnvironmentVariable("HOIST_PERFMAP") == "1") WritePerfMap(module, functions, offsets, address);
        });
        return new ModuleCode(module, file, functions, offsets, handlerOffset, memory, storeContextOffset);
    }

    /// <summary>
    /// With <c>HOIST_PERFMAP=1</c>: appends each function's address, size and name to <c>/tmp/perf-PID.map</c>, the
    /// file Linux <c>perf</c> reads to name samples in generated code (profiling the compilers' output).
    /// </summary>
    static void WritePerfMap(WasmModule module, MachineCode[] functions, int[] offsets, nint address)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < functions.Length; i++)
        {
            uint index = (uint)(module.ImportedFunctionCount + i);
            sb.Append($"{address + offsets[i]:x} {functions[i].Size:x} wasm[{index}]:{module.FunctionName(index) ?? "func" + index}\n");
        }
        File.AppendAllText($"/tmp/perf-{Environment.ProcessId}.map", sb.ToString());
    }

    // The absolute address a relocation refers to, given the code's final address.
    static long Target(RelocTarget t, int[] offsets, int handlerOffset, int imported, nint address, string compiler, int function)
    {
        switch (t.Kind)
        {
            case RelocTargetKind.WasmFunction:
                if (t.Index < (uint)imported)
                    throw new InvalidOperationException($"the {compiler} compiler's function {function} calls imported function {t.Index} directly; imports are called through the VMContext");
                long defined = t.Index - (uint)imported;
                if (defined >= offsets.Length)
                    throw new InvalidOperationException($"the {compiler} compiler's function {function} calls function {t.Index}, which does not exist");
                return address + offsets[defined];
            case RelocTargetKind.TrapHandler:
                return address + handlerOffset;
            case RelocTargetKind.Libcall:
                return BuiltinTable.EntryPoint(t.Index);
            default:
                throw new InvalidOperationException($"unknown relocation target {t}");
        }
    }

    static void Patch(Span<byte> code, int at, RelocKind kind, long target, nint address)
    {
        switch (kind)
        {
            case RelocKind.PcRel32:
                long delta = target - (address + at + 4);
                if (delta != (int)delta) throw new InvalidOperationException($"a rel32 relocation at code offset {at} does not reach its target");
                BinaryPrimitives.WriteInt32LittleEndian(code[at..], (int)delta);
                break;
            case RelocKind.Abs64:
                BinaryPrimitives.WriteInt64LittleEndian(code[at..], target);
                break;
            default:
                throw new InvalidOperationException($"unknown relocation kind {kind}");
        }
    }

    static int AlignUp(int v) => (v + MachineCode.FunctionAlignment - 1) & ~(MachineCode.FunctionAlignment - 1);
}
