using System.Net;
using LlamaOrch.EngineHost.Hosting;

namespace LlamaOrch.EngineHost.Tests.Unit;

public sealed class EngineOptionsParserTests
{
    [Fact]
    public void Defaults_follow_llama_server_with_4096_tokens_per_slot()
    {
        var options = Parse("-m", "sim:x");

        Assert.Equal("sim:x", options.Sim!.Ref);
        Assert.Equal(50, options.Sim!.TokensPerSecond);
        Assert.Equal(IPAddress.Loopback, options.ListenAddress);
        Assert.Equal(8080, options.Port);
        Assert.Equal(1, options.Slots);
        Assert.Equal(4096, options.ContextPerSlot);
    }

    [Fact]
    public void Long_names_are_accepted()
    {
        var options = Parse(
            "--model", "sim:fast?tps=2000", "--host", "0.0.0.0", "--port", "0", "--parallel", "4", "--ctx-size", "8192",
            "--metrics");

        Assert.Equal(2000, options.Sim!.TokensPerSecond);
        Assert.Equal(IPAddress.Any, options.ListenAddress);
        Assert.Equal(0, options.Port);
        Assert.Equal(4, options.Slots);
        Assert.Equal(2048, options.ContextPerSlot);
    }

    [Fact]
    public void The_last_use_of_an_option_wins_so_a_pools_engine_args_override_the_supervisors()
    {
        var options = Parse("-m", "sim:x", "-t", "1", "-np", "2", "--threads", "4", "--parallel", "8", "-m", "sim:y");

        Assert.Equal("sim:y", options.ModelRef);
        Assert.Equal(4, options.Threads);
        Assert.Equal(8, options.Slots);
    }

    [Fact]
    public void Arguments_are_taken_as_given_with_no_response_files()
    {
        Assert.Equal("@models/x.gguf", Parse("-m", "@models/x.gguf").ModelPath);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(0, "-fa", "off")]
    [InlineData(1, "--flash-attn", "on")]
    [InlineData(1, "-fa", "enabled")]
    [InlineData(-1, "-fa", "auto")]
    public void Flash_attention_takes_llama_servers_values_and_defaults_to_auto(int expected, params string[] flag)
    {
        Assert.Equal(expected, Parse(["-m", "sim:x", .. flag]).FlashAttention);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1, "--pooling", "mean")]
    [InlineData(2, "--pooling", "cls")]
    [InlineData(3, "--pooling", "last")]
    public void Pooling_takes_llama_servers_names_of_one_vector_per_text_and_defaults_to_mean(int expected, params string[] flag)
    {
        Assert.Equal(expected, Parse(["-m", "sim:x", "--embedding", .. flag]).Pooling);
    }

    [Theory]
    [InlineData("0", 3, 4096)]
    [InlineData("3000", 3, 1000)]
    [InlineData("100", 3, 33)]
    public void Context_size_is_shared_among_slots(string ctxSize, int slots, int perSlot)
    {
        var options = Parse("-m", "sim:x", "-np", slots.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", ctxSize);

        Assert.Equal(perSlot, options.ContextPerSlot);
    }

    [Theory]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("::1", "::1")]
    [InlineData("192.168.1.20", "192.168.1.20")]
    public void Host_is_an_address_or_localhost(string host, string address)
    {
        Assert.Equal(IPAddress.Parse(address), Parse("-m", "sim:x", "--host", host).ListenAddress);
    }

    [Theory]
    [InlineData("sim:x?tps=0", 0)]
    [InlineData("sim:x?tps=0.5", 0.5)]
    [InlineData("sim:x?", 50)]
    [InlineData("sim:a-b_c.d", 50)]
    [InlineData("sim:x?tps=5&vram_mib=2048", 5)]
    [InlineData("sim:x?vram_mib=0", 50)]
    public void Sim_refs_set_the_pace(string model, double tokensPerSecond)
    {
        Assert.Equal(tokensPerSecond, Parse("-m", model).Sim!.TokensPerSecond);
    }

    [Theory]
    [InlineData("'--verbose'", "-m", "sim:x", "--verbose")]
    [InlineData("'--version'", "-m", "sim:x", "--version")]
    [InlineData("'-tb'", "-m", "sim:x", "-tb", "2")]
    [InlineData("'-m' needs a value", "-m", "-np", "2")]
    [InlineData("'true'", "-m", "sim:x", "--embedding", "true")]
    [InlineData("'--port'", "-m", "sim:x", "--port", "-1")]
    [InlineData("'--port'", "-m", "sim:x", "--port")]
    [InlineData("'-np'", "-m", "sim:x", "-np", "two")]
    [InlineData("'--ctx-size'", "-m", "sim:x", "-np", "4", "--ctx-size", "3")]
    [InlineData("'-m/--model'", "--port", "0")]
    [InlineData("'-t'", "-m", "sim:x", "-t", "0")]
    [InlineData("'-fa'", "-m", "sim:x", "-fa", "sometimes")]
    [InlineData("'-ngl'", "-m", "sim:x", "-ngl", "-2")]
    [InlineData("'--pooling': 'none' is not mean, cls or last", "-m", "sim:x", "--pooling", "none")]
    [InlineData("'--pooling': 'rank'", "-m", "sim:x", "--pooling", "rank")]
    [InlineData("no name", "-m", "sim:")]
    [InlineData("unknown parameter 'speed' (the known ones are tps, load_ms and vram_mib)", "-m", "sim:x?speed=3")]
    [InlineData("vram_mib='-1'", "-m", "sim:x?vram_mib=-1")]
    [InlineData("vram_mib='1.5'", "-m", "sim:x?vram_mib=1.5")]
    [InlineData("vram_mib=''", "-m", "sim:x?tps=3&vram_mib")]
    [InlineData("vram_mib='99999999999'", "-m", "sim:x?vram_mib=99999999999")]
    [InlineData("tps='-3'", "-m", "sim:x?tps=-3")]
    [InlineData("tps='Infinity'", "-m", "sim:x?tps=Infinity")]
    [InlineData("tps='1e-7', which is neither 0 (unpaced) nor a number >= 0.001", "-m", "sim:x?tps=1e-7")] // a token due in 116 days: past any timer
    public void Bad_arguments_are_errors_naming_them(string named, params string[] args)
    {
        var result = EngineOptionsParser.Parse(args);

        Assert.Null(result.Options);
        Assert.False(result.HelpRequested);
        Assert.Contains(named, result.Error);
    }

    [Fact]
    public void Help_is_a_request_not_an_error()
    {
        var result = EngineOptionsParser.Parse(["-m", "sim:x", "-h"]);

        Assert.True(result.HelpRequested);
        Assert.Null(result.Error);
    }

    private static EngineOptions Parse(params string[] args)
    {
        var result = EngineOptionsParser.Parse(args);
        Assert.True(result.Options is not null, result.Error);
        return result.Options;
    }
}
