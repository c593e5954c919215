using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// An OpenAI-compatible upstream that is a real server, not a stand-in: a second orchestratord's OpenAI door (real
/// llama.cpp inference of stories260K) as the one replica of a <c>vllm</c> pool, reached with its API token from a file.
/// </summary>
public sealed class OpenAiUpstreamTests
{
    private static readonly string Stories = "file:" + RepoPaths.Stories260K;

    [Fact]
    public async Task A_vllm_pool_schedules_onto_another_orchestratords_openai_door()
    {
        await using var upstream = await Orchestrator.StartAsync(Orchestrator.Pool(Stories, slots: 2));
        var keyFile = Path.GetTempFileName();
        try
        {
            await File.WriteAllTextAsync(keyFile, Orchestrator.Token + "\n");
            await using var front = await Orchestrator.StartAsync(
            [
                "Pools:0:Id=front", "Pools:0:Engine=vllm", $"Pools:0:Model={Stories}", "Pools:0:Slots=2",
                $"Pools:0:Upstreams:0:Url={upstream.Address}", "Pools:0:Upstreams:0:Protocol=openai",
                // The upstream's model by its pool id, as its OpenAI door takes it.
                "Pools:0:Upstreams:0:Model=p", $"Pools:0:Upstreams:0:ApiKeyFile={keyFile}",
            ]);

            var task = Orchestrator.Task(Stories, maxTokens: 8);
            task["engine"] = "vllm";
            var frames = await front.StreamAsync((await front.AdmitAsync(task))["task_id"]!.GetValue<string>());

            Assert.Equal("front-u0", frames.Single(f => f.Event == "started").Str("replica_id"));
            Assert.Equal("end", frames[^1].Event);
            var tokens = frames.Where(f => f.Event == "token").ToList();
            Assert.NotEmpty(string.Concat(tokens.Select(f => f.Str("t"))));
            // The counts are the upstream's usage: the prompt it evaluated and the tokens it generated.
            Assert.InRange(frames[^1].Int("tokens_out"), 1, 8);
            Assert.True(frames[^1].Int("tokens_in") > 0);
        }
        finally
        {
            File.Delete(keyFile);
        }
    }
}
