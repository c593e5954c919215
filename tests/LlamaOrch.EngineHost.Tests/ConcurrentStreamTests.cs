using LlamaOrch.Testing;
using System.Text.Json;
using LlamaOrch.EngineHost.Tests.Harness;

namespace LlamaOrch.EngineHost.Tests;

/// <summary>
/// Several streams decoded in one batch on stories260K. One thread hands each decode step's tokens to every stream's
/// handler, which writes and sends its frames there; these tests hold what that thread must keep: each stream's
/// frames whole and in order, and one client's disconnect touching no other stream.
/// </summary>
public sealed class ConcurrentStreamTests
{
    [Fact]
    public async Task Every_stream_of_a_shared_batch_gets_each_token_once_in_order_and_then_its_final_frame()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-np", "4", "-c", "2048"]);

        var streams = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => FramesAsync(
            engine, $$"""{"prompt":"Once upon a time","n_predict":{{40 + i}},"stream":true,"seed":{{i}}}""")));

        for (var i = 0; i < streams.Length; i++)
        {
            AssertWholeStream(streams[i], 40 + i);
        }
        // Four slots for four streams: they ran side by side, each in a slot of its own.
        Assert.Equal(4, streams.Select(f => f[^1].GetProperty("id_slot").GetInt32()).Distinct().Count());
    }

    [Fact]
    public async Task A_client_leaving_mid_stream_frees_its_slot_and_the_streams_beside_it_finish_whole()
    {
        await using var engine = await EngineProcess.StartAsync(RepoPaths.Stories260K, ["-np", "4", "-c", "4096"]);

        int leftSlot;
        await using (var leaving = await StreamedCompletion.StartAsync(
            engine.Http, """{"prompt":"Once upon a time","n_predict":-1,"stream":true,"seed":9}"""))
        {
            var first = await leaving.ReadFrameAsync();
            leftSlot = first!.Value.GetProperty("id_slot").GetInt32();
            // The others join the batch while the leaving stream still decodes, and it leaves while they run.
            var others = Enumerable.Range(0, 3).Select(i => FramesAsync(
                engine, $$"""{"prompt":"Lily","n_predict":96,"stream":true,"seed":{{i}}}""")).ToArray();
            for (var k = 0; k < 3; k++) Assert.NotNull(await leaving.ReadFrameAsync());
            await leaving.DisposeAsync();

            foreach (var frames in await Task.WhenAll(others)) AssertWholeStream(frames, 96);
        }

        await Poll.UntilAsync(async () => !await engine.Http.AnySlotProcessingAsync(), "the slot to be freed");
        var next = await engine.Http.CompleteAsync(
            $$"""{"prompt":"Once upon a time","n_predict":8,"stream":false,"id_slot":{{leftSlot}}}""");
        Assert.Equal(8, next.GetProperty("tokens_predicted").GetInt32());
        Assert.Equal(leftSlot, next.GetProperty("id_slot").GetInt32());
    }

    private static async Task<List<JsonElement>> FramesAsync(EngineProcess engine, string body)
    {
        await using var stream = await StreamedCompletion.StartAsync(engine.Http, body);
        return await stream.ReadToEndAsync();
    }

    // The model may end a story before the limit (eos); whatever it sent must be whole: tokens 1..n, then the final.
    private static void AssertWholeStream(List<JsonElement> frames, int limit)
    {
        var final = frames[^1];
        Assert.True(final.GetProperty("stop").GetBoolean());
        var predicted = final.GetProperty("tokens_predicted").GetInt32();
        Assert.Equal(predicted == limit ? "limit" : "eos", final.GetProperty("stop_type").GetString());
        Assert.InRange(predicted, 1, limit);
        Assert.Equal(predicted + 1, frames.Count);
        var slot = final.GetProperty("id_slot").GetInt32();
        for (var k = 0; k < predicted; k++)
        {
            Assert.False(frames[k].GetProperty("stop").GetBoolean());
            Assert.Equal(k + 1, frames[k].GetProperty("tokens_predicted").GetInt32());
            Assert.Equal(slot, frames[k].GetProperty("id_slot").GetInt32());
        }
    }
}
