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
}
