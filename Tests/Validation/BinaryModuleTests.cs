using Hoist.Wasm;
using Hoist.Wasm.Binary;
using Hoist.Wasm.Validation;
using static Hoist.Tests.Validation.TestModules;

namespace Hoist.Tests.Validation;

/// <summary>Decoded binaries through the validator: offsets are absolute module offsets, and binary-format rules hold.</summary>
public class BinaryModuleTests
{
    static readonly byte[] Header = [0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00];

    [Fact]
    public void MemoryInitWithoutDataCountSectionIsMalformed()
    {
        // binary.wast: type, function, memory, code (memory.init 0 0), data.
        byte[] bytes =
        [
            .. Header,
            0x01, 0x04, 0x01, 0x60, 0x00, 0x00,
            0x03, 0x02, 0x01, 0x00,
            0x05, 0x03, 0x01, 0x00, 0x00,
            0x0A, 0x0E, 0x01, 0x0C, 0x00, 0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x08, 0x00, 0x00, 0x0B,
            0x0B, 0x03, 0x01, 0x01, 0x00,
        ];
        var module = ModuleDecoder.Decode(bytes);
        var e = Assert.Throws<MalformedException>(() => ModuleValidator.Validate(module));
        Assert.Equal("data count section required", e.Message);
        Assert.Equal(34, e.Location.Offset); // the memory.init opcode
    }

    [Fact]
    public void EncodedModulesValidateAfterDecodingWithAbsoluteOffsets()
    {
        var m = new WasmModule();
        m.Memories.Add(new MemoryType(new Limits(1, null)));
        m.AddFunc([I32], [I32], new Code().Op(Opcode.LocalGet, 0).Mem(Opcode.I32Load, 2).End());
        m.AddFunc([], [], new Code().I32(0).Mem(Opcode.I64Load, 4).Op(Opcode.Drop).End());
        var decoded = ModuleDecoder.Decode(ModuleEncoder.Encode(m));
        var e = Assert.Throws<ValidationException>(() => ModuleValidator.Validate(decoded));
        Assert.Equal("alignment must not be larger than natural", e.Message);
        // The failing load is the second operator of the second body.
        Assert.Equal(decoded.Code[1].BodyOffset + 2, e.Location.Offset);
        m.Code[1] = new FunctionBody([], new Code().I32(0).Mem(Opcode.I64Load, 3).Op(Opcode.Drop).End().Bytes);
        var ctx = ModuleValidator.Validate(ModuleDecoder.Decode(ModuleEncoder.Encode(m)));
        Assert.Equal(2, ctx.FunctionCount);
    }
}
