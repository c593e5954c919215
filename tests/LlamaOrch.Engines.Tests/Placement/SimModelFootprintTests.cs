using LlamaOrch.Engines.Placement;

namespace LlamaOrch.Engines.Tests.Placement;

public sealed class SimModelFootprintTests
{
    private const long MiB = 1024L * 1024;

    [Theory]
    [InlineData("sim:x", 0)]
    [InlineData("sim:x?", 0)]
    [InlineData("sim:x?tps=2000", 0)]
    [InlineData("sim:x?vram_mib=0", 0)]
    [InlineData("sim:x?vram_mib=4096", 4096 * MiB)]
    [InlineData("sim:x?tps=50&vram_mib=12000", 12000 * MiB)]
    [InlineData("sim:x?vram_mib=1&vram_mib=2", 2 * MiB)]
    [InlineData("sim:x?vram_mib=2147483647", int.MaxValue * MiB)]
    public void Reads_vram_mib_and_defaults_to_nothing(string simRef, long bytes)
    {
        Assert.True(SimModelFootprint.TryParse(simRef, out var parsed, out var error), error);
        Assert.Equal(bytes, parsed);
    }

    [Theory]
    [InlineData("sim:x?vram_mib=-1", "vram_mib='-1'")]
    [InlineData("sim:x?vram_mib=1.5", "vram_mib='1.5'")]
    [InlineData("sim:x?vram_mib= 1", "vram_mib=' 1'")]
    [InlineData("sim:x?vram_mib=", "vram_mib=''")]
    [InlineData("sim:x?vram_mib", "vram_mib=''")]
    [InlineData("sim:x?vram_mib=2147483648", "vram_mib='2147483648'")]
    [InlineData("models/x.gguf", "does not start with 'sim:'")]
    public void A_bad_value_is_an_error_naming_it(string simRef, string named)
    {
        Assert.False(SimModelFootprint.TryParse(simRef, out _, out var error));
        Assert.Contains(named, error);
        Assert.Contains(named, Assert.Throws<FormatException>(() => SimModelFootprint.Parse(simRef)).Message);
    }

    [Theory]
    [InlineData("sim:x?tps=500", 500.0)]
    [InlineData("sim:x?vram_mib=1&tps=12.5", 12.5)]
    [InlineData("sim:x?tps=5&tps=7", 7.0)]
    [InlineData("sim:x?tps=0", null)]
    [InlineData("sim:x?tps=fast", null)]
    [InlineData("sim:x", null)]
    [InlineData("models/x.gguf?tps=5", null)]
    public void The_declared_decode_rate_is_the_last_positive_tps(string simRef, double? tps) =>
        Assert.Equal(tps, SimModelFootprint.DeclaredTokensPerSecond(simRef));
}
