using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Hoist.Runtime;
using Hoist.Runtime.Native;
using Hoist.Vm;
using Hoist.Wasm;

namespace Hoist.Tests.Runtime;

/// <summary>
/// Guard-page memories with signal-based traps (<see cref="Config.GuardPages"/>): out-of-bounds accesses trap
/// at every boundary with and without guard pages, the signal handler leaves every other fault to .NET,
/// address space is released, traps on several threads at once, and backtraces stay exact.
/// </summary>
public class GuardPageTests
{
    const ulong Guard = 2UL << 30;
    static readonly Engine s_guarded = new(new Config { GuardPages = true, MemoryGuardSize = Guard });
    static readonly Engine s_explicit = new(new Config { GuardPages = false });

    static Engine EngineFor(bool guarded) => guarded ? s_guarded : s_explicit;

    static bool Supported => OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64;

    const string Accesses = """
        (module
          (memory (export "mem") 1)
          (func (export "ld8") (param i32) (result i32) (i32.load8_u (local.get 0)))
          (func (export "ld16") (param i32) (result i32) (i32.load16_u (local.get 0)))
          (func (export "ld32") (param i32) (result i32) (i32.load (local.get 0)))
          (func (export "ld64") (param i32) (result i64) (i64.load (local.get 0)))
          (func (export "ldf64") (param i32) (result f64) (f64.load (local.get 0)))
          (func (export "ld32_off") (param i32) (result i32) (i32.load offset=100 (local.get 0)))
          (func (export "st64") (param i32 i64) (i64.store (local.get 0) (local.get 1)))
          (func (export "st32_const") (i32.store (i32.const 65533) (i32.const -1)))
          (func (export "ld32_const_end") (result i32) (i32.load (i32.const 65532)))
          (func (export "ld32_const_far") (result i32) (i32.load offset=8 (i32.const -16)))
          ;; offset + size = 2 GiB, exactly the guard: unchecked under guard pages
          (func (export "ld_at_guard") (param i32) (result i32) (i32.load offset=2147483644 (local.get 0)))
          ;; offset + size = 2 GiB + 1: beyond the guard, so an explicit check
          (func (export "ld_past_guard") (param i32) (result i32) (i32.load offset=2147483645 (local.get 0)))
          (func (export "ld_max_offset") (param i32) (result i32) (i32.load offset=4294967295 (local.get 0)))
          (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))
        """;

    static Instance Instantiate(Engine engine, string wat, Store? store = null, Linker? linker = null) =>
        (linker ?? new Linker(engine)).Instantiate(store ?? new Store(engine), Module.FromText(engine, wat));

    static void AssertOutOfBounds(Action access)
    {
        var e = Assert.Throws<TrapException>(access);
        Assert.Equal(TrapCode.MemoryOutOfBounds, e.Code);
        Assert.Equal("out of bounds memory access", e.Message);
    }

    [Fact]
    public void GuardPagesAreOnByDefaultOnLinuxX64()
    {
        if (!Supported) return;
        Assert.True(s_guarded.GuardPagesEnabled, s_guarded.GuardPagesUnavailable);
        Assert.Null(s_guarded.GuardPagesUnavailable);
        Assert.False(s_explicit.GuardPagesEnabled);
        if (Environment.GetEnvironmentVariable("HOIST_GUARD_PAGES") is null) Assert.True(new Engine().GuardPagesEnabled);
        Assert.NotEqual(0, GuardPageTraps.HandlerAddress);
    }

    [Fact]
    public void Only32BitMemoriesWithWholeHostPagesAreGuarded()
    {
        if (!Supported) return;
        using var store = new Store(s_guarded);
        Assert.Equal(Guard, new Memory(store, new MemoryType(new Limits(1, null))).GuardBytes);
        Assert.Equal(Guard, new Memory(store, new MemoryType(new Limits(0, 0))).GuardBytes);
        Assert.Equal(0UL, new Memory(store, new MemoryType(new Limits(1, null, Is64: true))).GuardBytes);
        Assert.Equal(0UL, new Memory(store, new MemoryType(new Limits(1, null, PageSizeLog2: 0))).GuardBytes);
        using var plain = new Store(s_explicit);
        Assert.Equal(0UL, new Memory(plain, new MemoryType(new Limits(1, null))).GuardBytes);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void EveryBoundaryTraps(bool guarded)
    {
        var i = Instantiate(EngineFor(guarded), Accesses);
        Memory mem = i.GetMemory("mem");
        Assert.Equal(guarded && Supported ? Guard : 0, mem.GuardBytes);
        mem.Write<long>(65528, 0x0102030405060708);
        foreach ((string name, int size) in new[] { ("ld8", 1), ("ld16", 2), ("ld32", 4), ("ld64", 8) })
        {
            Func f = i.GetFunc(name);
            ulong expected = 0x0102030405060708UL >> (64 - 8 * size);    // the last `size` bytes, little-endian
            Assert.Equal(size == 8 ? Value.I64((long)expected) : Value.I32((int)expected), f.Invoke(65536 - size)[0]);
            AssertOutOfBounds(() => f.Invoke(65536 - size + 1));        // the last byte is one past the end
            AssertOutOfBounds(() => f.Invoke(65536));
            AssertOutOfBounds(() => f.Invoke(-1));                      // 4 GiB - 1
        }
        AssertOutOfBounds(() => i.GetFunc("ldf64").Invoke(65529));
        Assert.Equal(0x01020304, i.GetFunction<int, int>("ld32_off")(65532 - 100));
        AssertOutOfBounds(() => i.GetFunction<int, int>("ld32_off")(65533 - 100));
        Assert.Equal(0x01020304, i.GetFunction<int>("ld32_const_end")());
        AssertOutOfBounds(() => i.GetFunction<int>("ld32_const_far")());   // a constant address beyond 2 GiB
        foreach (int a in new[] { 0, 65536, -1 })
        {
            AssertOutOfBounds(() => i.GetFunction<int, int>("ld_at_guard")(a));
            AssertOutOfBounds(() => i.GetFunction<int, int>("ld_past_guard")(a));
            AssertOutOfBounds(() => i.GetFunction<int, int>("ld_max_offset")(a));
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AStoreStraddlingTheEndTrapsAndWritesNothing(bool guarded)
    {
        var i = Instantiate(EngineFor(guarded), Accesses);
        Memory mem = i.GetMemory("mem");
        mem.Write<uint>(65532, 0xA1B2C3D4);
        AssertOutOfBounds(() => i.GetFunc("st64").Invoke(65532, -1L));
        AssertOutOfBounds(() => i.GetFunc("st64").Invoke(65529, -1L));
        AssertOutOfBounds(() => i.GetFunc("st32_const").Invoke());
        Assert.Equal(0xA1B2C3D4, mem.Read<uint>(65532));
        i.GetFunc("st64").Invoke(65528, -1L);
        Assert.Equal(ulong.MaxValue, mem.Read<ulong>(65528));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void AfterGrowTheNewPagesAreInBoundsAndTheNewEndTraps(bool guarded)
    {
        var i = Instantiate(EngineFor(guarded), Accesses);
        var ld32 = i.GetFunction<int, int>("ld32");
        AssertOutOfBounds(() => ld32(65536));
        Assert.Equal(1, i.GetFunction<int, int>("grow")(2));
        Assert.Equal(0, ld32(65536));
        i.GetMemory("mem").Write(196604, 77);
        Assert.Equal(77, ld32(196604));
        AssertOutOfBounds(() => ld32(196605));
        AssertOutOfBounds(() => ld32(196608));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ImportedAndHostMemoriesTrapToo(bool guarded)
    {
        Engine engine = EngineFor(guarded);
        using var store = new Store(engine);
        var host = new Memory(store, new MemoryType(new Limits(1, 2)));
        var linker = new Linker(engine).Define("env", "mem", host);
        var i = Instantiate(engine, """
            (module (import "env" "mem" (memory 1))
              (func (export "ld") (param i32) (result i32) (i32.load (local.get 0)))
              (func (export "grow") (result i32) (memory.grow (i32.const 1))))
            """, store, linker);
        var ld = i.GetFunction<int, int>("ld");
        host.Write(65532, 5);
        Assert.Equal(5, ld(65532));
        AssertOutOfBounds(() => ld(65533));
        Assert.Equal(1, i.GetFunction<int>("grow")());
        Assert.Equal(-1, i.GetFunction<int>("grow")());            // the maximum holds under guard pages too
        Assert.Equal(0, ld(131068));
        AssertOutOfBounds(() => ld(131069));
    }

    [Fact]
    public void Memory64KeepsExplicitChecksUnderGuardPages()
    {
        var i = Instantiate(s_guarded, """
            (module (memory (export "mem") i64 1)
              (func (export "ld") (param i64) (result i32) (i32.load (local.get 0))))
            """);
        Assert.Equal(0UL, i.GetMemory("mem").GuardBytes);
        var ld = i.GetFunction<long, int>("ld");
        Assert.Equal(0, ld(65532));
        AssertOutOfBounds(() => ld(65533));
        AssertOutOfBounds(() => ld(1L << 32));
        AssertOutOfBounds(() => ld(long.MinValue));
    }

    [Fact]
    public void TheBacktraceOfAFaultNamesTheFaultingFunctionAndInstruction()
    {
        const string wat = """
            (module (memory 1)
              (func $inner (param i32) (result i32) (i32.load offset=16 (local.get 0)))
              (func $middle (param i32) (result i32) (i32.add (i32.const 1) (call $inner (local.get 0))))
              (func $outer (export "outer") (param i32) (result i32) (call $middle (local.get 0))))
            """;
        TrapException Trap(Engine engine) =>
            Assert.Throws<TrapException>(() => Instantiate(engine, wat).GetFunction<int, int>("outer")(65530));
        TrapException guarded = Trap(s_guarded), plain = Trap(s_explicit);
        Assert.Equal(TrapCode.MemoryOutOfBounds, guarded.Code);
        Assert.Equal(["inner", "middle", "outer"], guarded.Backtrace.Select(f => f.FunctionName));
        // The fault is reported at the load itself, as the explicit check's stub reports it.
        Assert.Equal(plain.Backtrace, guarded.Backtrace);
        Assert.Equal(plain.Location.Offset, guarded.Location.Offset);
    }

    [Fact]
    public void AFaultInsideANestedEntryUnwindsToItAndLaterTrapsAreReportedNormally()
    {
        using var store = new Store(s_guarded);
        Instance? callee = null;
        var linker = new Linker(s_guarded).DefineFunction("env", "host", (int a) => callee!.GetFunction<int, int>("ld")(a));
        var i = Instantiate(s_guarded, """
            (module (import "env" "host" (func $host (param i32) (result i32))) (memory 1)
              (func $ld (export "ld") (param i32) (result i32) (i32.load (local.get 0)))
              (func $via_host (export "via_host") (param i32) (result i32) (call $host (local.get 0)))
              (func (export "unreachable") unreachable))
            """, store, linker);
        callee = i;
        var e = Assert.Throws<TrapException>(() => i.GetFunction<int, int>("via_host")(70000));
        Assert.Equal(TrapCode.MemoryOutOfBounds, e.Code);
        Assert.Equal(["ld", "via_host"], e.Backtrace.Select(f => f.FunctionName));
        Assert.Equal(0, i.GetFunction<int, int>("via_host")(8));
        var u = Assert.Throws<TrapException>(() => i.GetFunc("unreachable").Invoke());
        Assert.Equal(TrapCode.Unreachable, u.Code);
        Assert.Single(u.Backtrace);
    }

    sealed class Box
    {
        public int Value = 1;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    static int ReadThrough(Box? box) => box!.Value;   // an implicit null check: a hardware fault at a small address

    [Fact]
    public void ANullDereferenceInManagedCodeStillReachesDotNet()
    {
        // A wasm fault first, so the handler is certainly installed and has run.
        AssertOutOfBounds(() => Instantiate(s_guarded, Accesses).GetFunction<int, int>("ld32")(1 << 20));
        if (Supported) Assert.Equal(GuardPageTraps.HandlerAddress, CurrentHandler(Libc.SIGSEGV));
        for (int k = 0; k < 3; k++) Assert.Throws<NullReferenceException>(() => ReadThrough(null));
        Exception? fromThread = null;
        var t = new Thread(() =>
        {
            try { ReadThrough(null); }
            catch (Exception e) { fromThread = e; }
        });
        t.Start();
        t.Join();
        Assert.IsType<NullReferenceException>(fromThread);
        Assert.Equal(1, ReadThrough(new Box()));
    }

    static unsafe nint CurrentHandler(int signal)
    {
        byte* act = stackalloc byte[Libc.SigactionSize];
        Assert.Equal(0, Libc.sigaction(signal, 0, (nint)act));
        int flags = *(int*)(act + Libc.SigactionFlagsOffset);
        Assert.NotEqual(0, flags & Libc.SA_SIGINFO);
        if (signal == Libc.SIGSEGV) Assert.NotEqual(0, flags & Libc.SA_ONSTACK);   // as .NET installed its own
        return *(nint*)act;
    }

    [Fact]
    public void ManyStoresWithGuardedMemoriesReleaseTheirAddressSpace()
    {
        if (!Supported) return;
        // 4 GiB + 2 GiB each: 25,000 leaked reservations would need 146 TiB, more than the 128 TiB of user
        // address space, so a leak fails with "mmap ... failed".
        var type = new MemoryType(new Limits(1, null));
        for (int k = 0; k < 25_000; k++)
        {
            using var store = new Store(s_guarded);
            var mem = new Memory(store, type);
            mem.Write(65532, k);
            Assert.Equal(k, mem.Read<int>(65532));
        }
        var module = Module.FromText(s_guarded, Accesses);
        for (int k = 0; k < 300; k++)
        {
            using var store = new Store(s_guarded);
            var i = new Linker(s_guarded).Instantiate(store, module);
            AssertOutOfBounds(() => i.GetFunction<int, int>("ld32")(65536 + k));
        }
    }

    [Fact]
    public void CodeRangesArePublishedWhileTheCodeIsMapped()
    {
        nint pc;
        using (var store = new Store(s_guarded))
        {
            var module = Module.FromText(s_guarded, Accesses);
            pc = module.Code.FunctionAddress(0);
            var i = new Linker(s_guarded).Instantiate(store, module);
            module.Dispose();
            Assert.True(WasmCodeRanges.Contains(pc));        // the instance still holds the code
            Assert.False(WasmCodeRanges.Contains(module.Code.Base + module.Code.TrapHandlerOffset));   // the trap handler is not a wasm function
            AssertOutOfBounds(() => i.GetFunction<int, int>("ld32")(65536));
        }
        Assert.False(WasmCodeRanges.Contains(pc));
    }

    [Fact]
    public void TwoThreadsTrapAtTheSameTime()
    {
        var module = Module.FromText(s_guarded, Accesses);
        using var barrier = new Barrier(2);
        var errors = new List<string>();
        var threads = Enumerable.Range(0, 2).Select(t => new Thread(() =>
        {
            try
            {
                using var store = new Store(s_guarded);
                var i = new Linker(s_guarded).Instantiate(store, module);
                i.GetMemory("mem").Write(16, 1000 + t);
                var ld32 = i.GetFunction<int, int>("ld32");
                barrier.SignalAndWait();
                for (int k = 0; k < 5000; k++)
                {
                    if (ld32(16) != 1000 + t) throw new InvalidOperationException($"thread {t}: wrong value at {k}");
                    var e = Assert.Throws<TrapException>(() => ld32(65536 + k));
                    if (e.Code != TrapCode.MemoryOutOfBounds || e.Backtrace.Count != 1)
                        throw new InvalidOperationException($"thread {t}: {e.Code} with {e.Backtrace.Count} frames at {k}");
                }
            }
            catch (Exception e)
            {
                lock (errors) errors.Add(e.ToString());
            }
        }, 4 << 20)).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Empty(errors);
    }

    [Fact]
    public void AGuardSizeMustBeWholePagesOfAtMost4GiB()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Engine(new Config { MemoryGuardSize = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Engine(new Config { MemoryGuardSize = 4096 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Engine(new Config { MemoryGuardSize = (4UL << 30) + 65536 }));
        var small = new Engine(new Config { GuardPages = true, MemoryGuardSize = 65536 });
        var i = Instantiate(small, Accesses);
        // offset + size > 64 KiB: these keep explicit checks with a small guard, and still trap.
        foreach (int a in new[] { 0, -1 }) AssertOutOfBounds(() => i.GetFunction<int, int>("ld_at_guard")(a));
        AssertOutOfBounds(() => i.GetFunction<int, int>("ld32")(-1));
        Assert.Equal(0, i.GetFunction<int, int>("ld32")(65532));
    }
}
