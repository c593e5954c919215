using LlamaOrch.EngineProtocol.Simulation;

namespace LlamaOrch.EngineProtocol.Tests.Simulation;

public sealed class SimVramTests
{
    [Theory]
    [InlineData("0", 0L)]
    [InlineData("1", 1L << 20)]
    [InlineData("2147483647", 2147483647L << 20)]
    public void A_whole_number_of_MiB_is_bytes(string value, long bytes)
    {
        Assert.True(SimVram.TryParse(value, out var parsed));
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("+1")]
    [InlineData("1.5")]
    [InlineData(" 1")]
    [InlineData("2147483648")]
    [InlineData("lots")]
    public void Anything_else_is_refused(string value)
    {
        Assert.False(SimVram.TryParse(value, out var parsed));
        Assert.Equal(0, parsed);
        Assert.Contains($"vram_mib='{value}'", SimVram.Invalid("sim:x?vram_mib=" + value, value));
    }
}
