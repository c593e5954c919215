using System.Globalization;
using System.Runtime.InteropServices;
using LlamaOrch.EngineHost.Tests.Harness;

namespace LlamaOrch.EngineHost.Tests;

/// <summary>The engine never outlives its orchestrator and stops promptly when asked to.</summary>
public sealed class LifetimeTests
{
    private const int SigTerm = 15;

    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Engine_exits_once_the_parent_process_is_gone()
    {
        // Another engine stands in for the orchestrator: any process whose death the child can observe will do.
        await using var parent = await EngineProcess.StartAsync("sim:parent");
        await using var child = await EngineProcess.StartAsync(
            "sim:child",
            environment: new Dictionary<string, string> { ["LLORCH_PARENT_PID"] = parent.Pid.ToString(CultureInfo.InvariantCulture) });
        Assert.Equal("ok", (await child.Http.GetJsonAsync("/health")).GetProperty("status").GetString());

        await parent.DisposeAsync();

        Assert.Equal(0, await child.WaitForExitAsync(ExitTimeout));
    }

    [Fact]
    public async Task Engine_still_loading_its_model_exits_once_the_parent_process_is_gone()
    {
        await using var parent = await EngineProcess.StartAsync("sim:parent");
        // The longest load a sim ref allows (10 minutes): the engine could only outlive its parent by that long.
        await using var child = await EngineProcess.StartAsync(
            "sim:loading?load_ms=600000",
            environment: new Dictionary<string, string> { ["LLORCH_PARENT_PID"] = parent.Pid.ToString(CultureInfo.InvariantCulture) },
            waitLoaded: false);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, (await child.Http.GetAsync("/health")).StatusCode);

        await parent.DisposeAsync();

        Assert.Equal(0, await child.WaitForExitAsync(ExitTimeout));
    }

    [Fact]
    public async Task Sigterm_ends_open_streams_and_exits_with_0()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var engine = await EngineProcess.StartAsync("sim:term?tps=20");
        await using var stream = await StreamedCompletion.StartAsync(
            engine.Http,
            """{"prompt":"","n_predict":4000,"stream":true}""");
        Assert.NotNull(await stream.ReadFrameAsync());

        Assert.Equal(0, Kill(engine.Pid, SigTerm));

        Assert.Equal(0, await engine.WaitForExitAsync(ExitTimeout));
        // The stream ends, cleanly or by a dropped connection, without a final frame: the completion was cut short.
        var rest = new List<System.Text.Json.JsonElement>();
        try
        {
            rest = await stream.ReadToEndAsync();
        }
        catch (Exception exception) when (exception is IOException or HttpRequestException)
        {
        }

        Assert.DoesNotContain(rest, frame => frame.GetProperty("stop").GetBoolean());
    }

    [Fact]
    public async Task Sigterm_answers_a_completion_still_waiting_for_a_slot_with_503()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await using var engine = await EngineProcess.StartAsync("sim:term?tps=20", ["-np", "1"]);
        await using var stream = await StreamedCompletion.StartAsync(engine.Http, """{"prompt":"","n_predict":4000,"stream":true}""");
        Assert.NotNull(await stream.ReadFrameAsync());
        var waiting = engine.Http.PostJsonAsync("/completion", """{"prompt":"next","n_predict":3}""");
        await Poll.UntilAsync(
            async () => await engine.Http.GetMetricAsync("llamacpp:requests_deferred") == 1,
            "the second completion waits for the one slot");

        Assert.Equal(0, Kill(engine.Pid, SigTerm));

        // It got an empty 200 before, which a client could not tell from a success.
        var (status, body) = await waiting;
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unavailable_error", body.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(0, await engine.WaitForExitAsync(ExitTimeout));
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
