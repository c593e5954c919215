using LlamaOrch.Contracts.Tasks;
using LlamaOrch.EndToEnd.Tests;
using LlamaOrch.Testing;

namespace LlamaOrch.Client.Tests;

/// <summary>The client against real inference: stories260K on llorch-engine behind orchestratord.</summary>
public sealed class RealInferenceTests
{
    [Fact]
    public async Task A_stories260K_task_streams_real_text_and_a_cut_stream_resumes_to_the_same_text()
    {
        var model = RepoPaths.Stories260K;
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(model, slots: 2, ctx: 256));
        await using var proxy = new CuttingProxy(orchestrator.Address);
        using var client = new LlamaOrchClient(new LlamaOrchClientOptions
        {
            BaseAddress = proxy.Address,
            ApiToken = Orchestrator.Token,
            StreamReconnectDelay = TimeSpan.FromMilliseconds(20),
        });

        var gate = await ConcurrencyGate.CreateAsync(client, model);
        Assert.Equal(2, gate.Limit);

        proxy.CutStreams(tokens: 3, times: 1);
        var run = client.RunTask(new TaskRequestBody { ModelRef = model, Prompt = "Once upon a time", MaxTokens = 24, Seed = 7 }, gate);
        var result = await run.CollectAsync();

        Assert.True(result.Succeeded, result.Error?.Message);
        Assert.Equal(1, proxy.Cuts);
        Assert.Matches("[a-z]{3,}", result.Text);
        Assert.Equal(result.End!.TokensOut, result.Tokens);
        var whole = await orchestrator.StreamAsync(run.TaskId);
        Assert.Equal(string.Concat(whole.Where(f => f.Event == "token").Select(f => f.Str("t"))), result.Text);
        Assert.Equal(0, gate.InFlight);
    }
}
