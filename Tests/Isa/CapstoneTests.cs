namespace Hoist.Tests.Isa;

public class CapstoneTests
{
    /// <summary>Fails loudly when Capstone's native library does not load, so the cross-checks never pass silently without it.</summary>
    [Fact]
    public void CapstoneLoads() =>
        Assert.True(CapstoneReference.Available, $"Capstone (Gee.External.Capstone) did not load: {CapstoneReference.LoadError}");

    [Fact]
    public void CapstoneDecodes()
    {
        var decoded = CapstoneReference.Decode([0x48, 0x89, 0xD8, 0xC3]);
        Assert.Equal([("mov", "rax, rbx", 3), ("ret", "", 1)], decoded);
    }
}
