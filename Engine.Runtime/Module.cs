using Hoist.Compiler;
using Hoist.Runtime.Linking;
using Hoist.Runtime.Native;
using Hoist.Vm;
using Hoist.Wasm;
using Hoist.Wasm.Text;
using Hoist.Wasm.Validation;

namespace Hoist.Runtime;

/// <summary>
/// A compiled module: decoded (or parsed), validated against the engine's type registry, compiled by the
/// engine's compiler and linked into native code, ready to be instantiated any number of times in any
/// store of the same engine. Thread-safe once constructed.
/// </summary>
/// <remarks>
/// Invalid input throws <see cref="MalformedException"/> or <see cref="ValidationException"/> with the
/// file and offset. <see cref="Dispose"/> releases the module's hold on its code; the code memory is
/// freed when the last instance using it is gone too (its store disposed).
/// </remarks>
public sealed class Module : IDisposable
{
    int _disposed;

    /// <summary>Compiles a binary module.</summary>
    public Module(Engine engine, ReadOnlyMemory<byte> wasm, string? file = null)
        : this(engine, Decode(wasm, file), file) { }

    /// <summary>Compiles a module model (from the decoder or the text parser).</summary>
    internal Module(Engine engine, WasmModule module, string? file)
    {
        Engine = engine;
        Wasm = module;
        File = file;
        Config config = engine.Config;
        try
        {
            Context = ModuleValidator.ValidateModule(module, new ValidationOptions
            {
                Features = config.Features,
                Registry = engine.Types,
            });
            Offsets = new VmOffsets(module);
            var compiled = engine.Compiler.Compile(new CompileInput(Context, Offsets)
            {
                Parallel = config.ParallelCompilation,
                ConsumeFuel = config.ConsumeFuel,
                EpochInterruption = config.EpochInterruption,
                MemoryGuardBytes = GuardBytesByMemory(module, engine.MemoryGuardBytes),
            });
            Code = CodeLinker.Link(module, file, compiled, Offsets.StoreContext);
        }
        catch (WasmException e) when (file is not null)
        {
            throw e.WithFile(file);
        }
        CanonicalTypeIds = Context.Types.CanonicalIds.ToArray();
        Imports = module.Imports.Select(i => new ImportType(i.Module, i.Name, ExternType.Of(module, i.Desc))).ToArray();
        Exports = module.Exports.Select(e => new ExportType(e.Name, ExternType.Of(module, e.Kind, e.Index))).ToArray();
    }

    /// <summary>
    /// Compiles a module in the text format (WAT). The text is encoded to its binary form first, so traps
    /// and backtraces report binary offsets, as for a .wasm file.
    /// </summary>
    public static Module FromText(Engine engine, string wat, string? file = null) =>
        new(engine, FrontEnd.TextToBinary(wat, file), file);

    /// <summary>Compiles a .wasm or .wat file (binary if it starts with the wasm magic, else text).</summary>
    public static Module FromFile(Engine engine, string path)
    {
        byte[] bytes = System.IO.File.ReadAllBytes(path);
        if (FrontEnd.IsBinary(bytes)) return new Module(engine, bytes, path);
        WasmModule parsed;
        try { parsed = WatParser.ParseModule(bytes, path); }
        catch (WasmException e) { throw e.WithFile(path); }
        return new Module(engine, FrontEnd.Encode(parsed), path);
    }

    static WasmModule Decode(ReadOnlyMemory<byte> wasm, string? file) => FrontEnd.Decode(wasm, file);

    /// <summary>The guard region each memory (imported or defined) will have in this engine (<see cref="MemoryGuardPolicy"/>).</summary>
    internal static ulong[] GuardBytesByMemory(WasmModule module, ulong engineGuardBytes)
    {
        ReadOnlySpan<MemoryType> types = module.MemoryTypes;
        var guards = new ulong[types.Length];
        for (int i = 0; i < guards.Length; i++) guards[i] = MemoryGuardPolicy.GuardBytes(types[i].Limits, engineGuardBytes);
        return guards;
    }

    public Engine Engine { get; }

    /// <summary>The file it came from, if any.</summary>
    public string? File { get; }

    /// <summary>The module's name from the name section, if it has one.</summary>
    public string? Name => Wasm.Names?.ModuleName;

    public IReadOnlyList<ImportType> Imports { get; }
    public IReadOnlyList<ExportType> Exports { get; }

    internal WasmModule Wasm { get; }
    internal ModuleContext Context { get; }
    internal VmOffsets Offsets { get; }
    internal ModuleCode Code { get; }

    /// <summary>The engine-wide canonical id of each type index.</summary>
    internal int[] CanonicalTypeIds { get; }

    /// <summary>Takes a reference on the code for an instance (released when the instance's store is disposed).</summary>
    internal ModuleCode AcquireCode()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        Code.AddReference();
        return Code;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0) Code.Release();
    }
}
