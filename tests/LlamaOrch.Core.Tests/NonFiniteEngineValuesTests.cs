using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

/// <summary>
/// An engine's vector or score that JSON cannot carry (infinity, NaN) fails the run with an error frame: written as an
/// embedding or score frame it could not be encoded, and the stream would end without its last frame.
/// </summary>
public sealed class NonFiniteEngineValuesTests
{
    [Fact]
    public async Task An_infinite_value_in_a_vector_fails_the_embedding_task_and_no_vector_is_sent()
    {
        var harness = new PoolHarness(workloads: [Workload.Embedding]);
        harness.Engine.Vector = [0.5f, float.PositiveInfinity];

        var frames = await PoolHarness.FramesAsync(Submit(harness, "embedding", prompt: null, inputs: ["one", "two"]));

        Assert.DoesNotContain(frames, f => f.Event == "embedding");
        var error = frames[^1];
        Assert.Equal("error", error.Event);
        Assert.Equal("INTERNAL", error.Data.GetProperty("code").GetString());
        Assert.False(error.Data.GetProperty("retriable").GetBoolean());
        Assert.Contains("the vector of input 0", error.Data.GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_NaN_score_fails_the_rerank_task_and_no_score_is_sent()
    {
        var harness = new PoolHarness(workloads: [Workload.Rerank]);
        harness.Engine.Score = float.NaN;

        var frames = await PoolHarness.FramesAsync(Submit(harness, "rerank", prompt: "red fox", inputs: ["red", "blue"]));

        Assert.DoesNotContain(frames, f => f.Event == "score");
        Assert.Equal("error", frames[^1].Event);
        Assert.Contains("the score of input 0", frames[^1].Data.GetProperty("message").GetString());
    }

    private static OrchestratedTask Submit(PoolHarness harness, string workload, string? prompt, string[] inputs)
    {
        var body = TaskRequestValidatorTests.Valid() with { Workload = workload, Prompt = prompt, Inputs = [.. inputs] };
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        var outcome = harness.Admission.Submit(spec!, "corr-" + workload);
        Assert.Null(outcome.Rejection);
        return outcome.Task!;
    }
}
