using System.Globalization;

namespace Hoist.Runtime;

/// <summary>
/// One frame of a trap's backtrace: a wasm function (by index, with its name from the name section when the
/// module has one) and the module offset of the instruction executing in it (the trapping instruction in the
/// innermost frame, a call in the others; -1 when unknown).
/// </summary>
public readonly record struct WasmFrame(uint FunctionIndex, string? FunctionName, string? ModuleName, long WasmOffset)
{
    public override string ToString()
    {
        string func = FunctionName ?? string.Create(CultureInfo.InvariantCulture, $"func[{FunctionIndex}]");
        string module = ModuleName is null ? "" : ModuleName + "!";
        string at = WasmOffset >= 0 ? string.Create(CultureInfo.InvariantCulture, $" @ 0x{WasmOffset:x}") : "";
        return $"{module}{func}{at}";
    }
}
