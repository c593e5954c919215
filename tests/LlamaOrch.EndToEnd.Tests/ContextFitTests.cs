using System.Net;
using LlamaOrch.Testing;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>A prompt that cannot fit the context is refused before the 202, counted by the model's own tokenizer.</summary>
public sealed class ContextFitTests
{
    [Fact]
    public async Task A_prompt_longer_than_the_context_is_a_synchronous_400_and_a_long_one_that_fits_is_admitted()
    {
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(RepoPaths.Stories260K, ctx: 64));
        var sentence = "Once upon a time there was a little girl who liked to play in the park. ";

        using var tooLong = await orchestrator.SubmitAsync(Orchestrator.Task(RepoPaths.Stories260K, prompt: string.Concat(Enumerable.Repeat(sentence, 6)), maxTokens: 8, ctx: 64));

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var error = await Orchestrator.ErrorOf(tooLong);
        Assert.Equal("INVALID_PARAMS", error["code"]!.GetValue<string>());
        Assert.Matches(@"^prompt: \d+ prompt tokens \+ max_tokens 8 exceed the 64-token context", error["message"]!.GetValue<string>());

        // More bytes than the context has tokens, so it is counted, but its tokens fit.
        var admitted = await orchestrator.AdmitAsync(Orchestrator.Task(RepoPaths.Stories260K, prompt: sentence, maxTokens: 8, ctx: 64));
        Assert.Equal("end", (await orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>()))[^1].Event);
    }

    [Fact]
    public async Task While_the_queue_is_full_a_long_prompt_gets_the_429_without_being_counted_and_is_counted_once_there_is_room()
    {
        const string slow = "sim:slow?tps=20";
        await using var orchestrator = await Orchestrator.StartAsync(Orchestrator.Pool(slow, slots: 1, capacity: 1, ctx: 64));
        var tooLong = string.Concat(Enumerable.Repeat("Once upon a time there was a little girl who liked to play in the park. ", 6));
        var blocker = (await orchestrator.AdmitAsync(Orchestrator.Task(slow, maxTokens: 40, ctx: 64)))["task_id"]!.GetValue<string>();
        await orchestrator.WaitUntilAsync(h => h["pools"]![0]!["queue_depth"]!.GetValue<int>() == 0);
        var queued = (await orchestrator.AdmitAsync(Orchestrator.Task(slow, maxTokens: 2, ctx: 64)))["task_id"]!.GetValue<string>();

        using var whileFull = await orchestrator.SubmitAsync(Orchestrator.Task(slow, prompt: tooLong, maxTokens: 8, ctx: 64));
        Assert.Equal(HttpStatusCode.TooManyRequests, whileFull.StatusCode);
        Assert.Equal("ADMISSION_REJECT", (await Orchestrator.ErrorOf(whileFull))["code"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(queued));
        Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(blocker));
        using var withRoom = await orchestrator.SubmitAsync(Orchestrator.Task(slow, prompt: tooLong, maxTokens: 8, ctx: 64));
        Assert.Equal(HttpStatusCode.BadRequest, withRoom.StatusCode);
        Assert.Matches(@"^prompt: \d+ prompt tokens \+ max_tokens 8 exceed the 64-token context", (await Orchestrator.ErrorOf(withRoom))["message"]!.GetValue<string>());
    }
}
