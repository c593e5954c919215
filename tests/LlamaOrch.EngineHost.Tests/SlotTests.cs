using System.Net;
using LlamaOrch.EngineHost.Tests.Harness;

namespace LlamaOrch.EngineHost.Tests;

/// <summary>Slots as the unit of concurrency: held while a stream runs, freed on disconnect, waited for when full.</summary>
public sealed class SlotTests
{
    // Slow enough that a stream of this length outlives every test that reads its first frame.
    private const string SlowModel = "sim:slow?tps=20";
    private const string LongStream = """{"prompt":"Tell me a story","n_predict":4000,"stream":true}""";

    [Fact]
    public async Task Streaming_completion_holds_its_slot_until_the_client_disconnects()
    {
        await using var engine = await EngineProcess.StartAsync(SlowModel, ["-np", "2"]);
        await using var stream = await StreamedCompletion.StartAsync(engine.Http, LongStream);
        var first = await stream.ReadFrameAsync();
        var slotId = first!.Value.GetProperty("id_slot").GetInt32();

        var busy = (await engine.Http.GetJsonAsync("/slots"))[slotId];
        Assert.True(busy.GetProperty("is_processing").GetBoolean());
        Assert.True(busy.GetProperty("n_decoded").GetInt32() >= 1);
        Assert.Equal(1, await engine.Http.GetMetricAsync("llamacpp:requests_processing"));

        await stream.DisposeAsync();

        await Poll.UntilAsync(async () => !await engine.Http.AnySlotProcessingAsync(), "the slot is free");
        var decoded = (await engine.Http.GetJsonAsync("/slots"))[slotId].GetProperty("n_decoded").GetInt32();
        Assert.True(decoded < 4000, $"generation ran on to {decoded} tokens after the disconnect");
        Assert.Equal(0, await engine.Http.GetMetricAsync("llamacpp:requests_processing"));
    }

    [Fact]
    public async Task Completion_waits_while_every_slot_is_busy_and_runs_once_one_frees()
    {
        await using var engine = await EngineProcess.StartAsync(SlowModel, ["-np", "1"]);
        await using var holder = await StreamedCompletion.StartAsync(engine.Http, LongStream);
        Assert.NotNull(await holder.ReadFrameAsync());

        var deferred = engine.Http.PostJsonAsync("/completion", """{"prompt":"next","n_predict":3}""");
        await Poll.UntilAsync(
            async () => await engine.Http.GetMetricAsync("llamacpp:requests_deferred") == 1,
            "the second completion is deferred");

        using (var leaving = new CancellationTokenSource())
        {
            var abandoned = engine.Http.PostJsonAsync("/completion", """{"prompt":"","n_predict":3}""", leaving.Token);
            await Poll.UntilAsync(
                async () => await engine.Http.GetMetricAsync("llamacpp:requests_deferred") == 2,
                "the third completion is deferred");
            await leaving.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        }

        await Poll.UntilAsync(
            async () => await engine.Http.GetMetricAsync("llamacpp:requests_deferred") == 1,
            "the abandoned completion leaves the queue");
        Assert.False(deferred.IsCompleted);

        await holder.DisposeAsync();

        var (status, reply) = await deferred.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(0, reply.GetProperty("id_slot").GetInt32());
        Assert.Equal(3, reply.GetProperty("tokens_predicted").GetInt32());
        await Poll.UntilAsync(async () => !await engine.Http.AnySlotProcessingAsync(), "the slot is free");
        Assert.Equal(0, await engine.Http.GetMetricAsync("llamacpp:requests_deferred"));
    }

    [Fact]
    public async Task Eight_streams_on_four_slots_all_complete()
    {
        await using var engine = await EngineProcess.StartAsync("sim:busy?tps=400", ["-np", "4"]);

        var runs = Enumerable.Range(0, 8).Select(async i =>
        {
            await using var stream = await StreamedCompletion.StartAsync(
                engine.Http,
                $$"""{"prompt":"stream {{i}}","n_predict":25,"stream":true}""");
            return await stream.ReadToEndAsync();
        });
        var results = await Task.WhenAll(runs);

        Assert.All(results, frames =>
        {
            Assert.Equal(26, frames.Count);
            Assert.True(frames[^1].GetProperty("stop").GetBoolean());
            Assert.Equal(25, frames[^1].GetProperty("tokens_predicted").GetInt32());
            Assert.InRange(frames[^1].GetProperty("id_slot").GetInt32(), 0, 3);
        });
        Assert.Equal(200, await engine.Http.GetMetricAsync("llamacpp:tokens_predicted_total"));
        Assert.False(await engine.Http.AnySlotProcessingAsync());
    }
}
