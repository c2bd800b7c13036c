using System.Runtime.InteropServices;
using Hoist.Vm;

namespace Hoist.Runtime.Builtins;

/// <summary>
/// The native table of builtin entry points, in <see cref="BuiltinId"/> order, whose address every
/// VMContext holds (<see cref="VmOffsets.Builtins"/>). One table for the process: the entries are static
/// <c>[UnmanagedCallersOnly]</c> methods, and each finds its instance through the VMContext it is given.
/// Every id has an entry (checked when the table is built).
/// </summary>
internal static unsafe class BuiltinTable
{
    public static readonly nint Address = Build();

    /// <summary>The entry point of builtin <paramref name="id"/> (for Libcall relocations).</summary>
    public static nint EntryPoint(uint id) =>
        id < (uint)Vm.Builtins.Count ? ((nint*)Address)[id] : throw new InvalidOperationException($"libcall {id} does not exist");

    static nint Build()
    {
        var table = (nint*)NativeMemory.AllocZeroed((nuint)(8 * Vm.Builtins.Count));
        table[(int)BuiltinId.MemoryGrow] = (nint)(delegate* unmanaged<nint, uint, ulong, ulong>)&MemoryBuiltins.Grow;
        table[(int)BuiltinId.MemoryFill] = (nint)(delegate* unmanaged<nint, uint, ulong, uint, ulong, uint>)&MemoryBuiltins.Fill;
        table[(int)BuiltinId.MemoryCopy] = (nint)(delegate* unmanaged<nint, uint, uint, ulong, ulong, ulong, uint>)&MemoryBuiltins.Copy;
        table[(int)BuiltinId.MemoryInit] = (nint)(delegate* unmanaged<nint, uint, uint, ulong, uint, uint, uint>)&MemoryBuiltins.Init;
        table[(int)BuiltinId.DataDrop] = (nint)(delegate* unmanaged<nint, uint, uint>)&MemoryBuiltins.DataDrop;
        table[(int)BuiltinId.TableGrow] = (nint)(delegate* unmanaged<nint, uint, ulong, ulong, ulong>)&TableBuiltins.Grow;
        table[(int)BuiltinId.TableFill] = (nint)(delegate* unmanaged<nint, uint, ulong, ulong, ulong, uint>)&TableBuiltins.Fill;
        table[(int)BuiltinId.TableCopy] = (nint)(delegate* unmanaged<nint, uint, uint, ulong, ulong, ulong, uint>)&TableBuiltins.Copy;
        table[(int)BuiltinId.TableInit] = (nint)(delegate* unmanaged<nint, uint, uint, ulong, uint, uint, uint>)&TableBuiltins.Init;
        table[(int)BuiltinId.ElemDrop] = (nint)(delegate* unmanaged<nint, uint, uint>)&TableBuiltins.ElemDrop;
        table[(int)BuiltinId.IsSubtype] = (nint)(delegate* unmanaged<nint, uint, nint, uint>)&ControlBuiltins.IsSubtype;
        table[(int)BuiltinId.OutOfFuelOrEpoch] = (nint)(delegate* unmanaged<nint, uint>)&ControlBuiltins.OutOfFuelOrEpoch;
        for (int i = 0; i < Vm.Builtins.Count; i++)
            if (table[i] == 0) throw new InvalidOperationException($"builtin {(BuiltinId)i} has no entry point");
        return (nint)table;
    }
}
