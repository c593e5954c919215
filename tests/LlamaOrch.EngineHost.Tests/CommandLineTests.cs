using System.Globalization;
using LlamaOrch.EngineHost.Tests.Harness;

namespace LlamaOrch.EngineHost.Tests;

/// <summary>The engine process refuses a bad command line with exit code 2 and a message naming the culprit.</summary>
public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--bogus", "-m", "sim:x", "--bogus")]
    [InlineData("--port", "-m", "sim:x", "--port", "http")]
    [InlineData("--port", "-m", "sim:x", "--port", "70000")]
    [InlineData("-np", "-m", "sim:x", "-np", "0")]
    [InlineData("--ctx-size", "-m", "sim:x", "--ctx-size", "-5")]
    [InlineData("--host", "-m", "sim:x", "--host", "not an address")]
    [InlineData("--model", "--port", "0")]
    [InlineData("-m", "-m")]
    [InlineData("tps", "-m", "sim:x?tps=fast")]
    [InlineData("vram_mib", "-m", "sim:x?vram_mib=lots")]
    public async Task Invalid_arguments_exit_with_2_naming_the_argument(string named, params string[] args)
    {
        var run = await EngineProcess.RunToExitAsync(args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(named, run.Stderr);
        Assert.DoesNotContain("listening", run.Stdout);
    }

    [Fact]
    public async Task A_model_file_that_does_not_exist_exits_with_3_naming_it()
    {
        var model = "/models/no-such-model.gguf";
        var run = await EngineProcess.RunToExitAsync(["-m", model, "--port", "0"]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("cannot load model", run.Stderr);
        Assert.Contains(model, run.Stderr);
    }

    [Fact]
    public async Task A_malformed_parent_pid_exits_with_2()
    {
        var run = await EngineProcess.RunToExitAsync(
            ["-m", "sim:x", "--port", "0"],
            new Dictionary<string, string> { ["LLORCH_PARENT_PID"] = "orchestrator" });

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("LLORCH_PARENT_PID", run.Stderr);
    }

    [Fact]
    public async Task A_port_in_use_exits_with_1()
    {
        await using var first = await EngineProcess.StartAsync("sim:first");
        var port = first.Http.BaseAddress!.Port.ToString(CultureInfo.InvariantCulture);

        var run = await EngineProcess.RunToExitAsync(["-m", "sim:second", "--host", "127.0.0.1", "--port", port]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot listen", run.Stderr);
    }

    [Fact]
    public async Task Help_prints_usage_and_exits_with_0()
    {
        var run = await EngineProcess.RunToExitAsync(["--help"]);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("llorch-engine [options]", run.Stdout);
        Assert.Contains("-np, --parallel <N>", run.Stdout);
    }
}
