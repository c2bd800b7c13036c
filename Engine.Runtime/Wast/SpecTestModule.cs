using Hoist.Wasm;

namespace Hoist.Runtime.Wast;

/// <summary>
/// The standard <c>spectest</c> host module every spec script may import: a memory (1..2 pages), tables
/// (10..20 funcref, and an i64-indexed one), globals of each numeric type with value 666, and the
/// <c>print*</c> functions (which print nothing here). <c>spectest.unknown</c> is deliberately absent.
/// </summary>
public static class SpecTestModule
{
    public static void Define(Linker linker, Store store)
    {
        linker
            .Define("spectest", "memory", new Memory(store, new MemoryType(new Limits(1, 2))))
            .Define("spectest", "table", new Table(store, new TableType(ValType.FuncRef, new Limits(10, 20)), Value.Null(ValType.FuncRef)))
            .Define("spectest", "table64", new Table(store, new TableType(ValType.FuncRef, new Limits(10, 20, Is64: true)), Value.Null(ValType.FuncRef)))
            .Define("spectest", "global_i32", new Global(store, new GlobalType(ValType.I32, false), Value.I32(666)))
            .Define("spectest", "global_i64", new Global(store, new GlobalType(ValType.I64, false), Value.I64(666)))
            .Define("spectest", "global_f32", new Global(store, new GlobalType(ValType.F32, false), Value.F32(666.6f)))
            .Define("spectest", "global_f64", new Global(store, new GlobalType(ValType.F64, false), Value.F64(666.6)))
            .DefineFunction("spectest", "print", () => { })
            .DefineFunction("spectest", "print_i32", (int _) => { })
            .DefineFunction("spectest", "print_i64", (long _) => { })
            .DefineFunction("spectest", "print_f32", (float _) => { })
            .DefineFunction("spectest", "print_f64", (double _) => { })
            .DefineFunction("spectest", "print_i32_f32", (int _, float _) => { })
            .DefineFunction("spectest", "print_f64_f64", (double _, double _) => { });
    }
}
