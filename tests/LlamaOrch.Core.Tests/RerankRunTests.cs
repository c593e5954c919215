using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

/// <summary>How a rerank task's scores become frames (the engine is scripted: a document scores its words shared with the query).</summary>
public sealed class RerankRunTests
{
    [Fact]
    public async Task Scores_come_in_the_inputs_order_with_ranks_and_ties_rank_in_input_order()
    {
        var harness = new PoolHarness(workloads: [Workload.Rerank]);
        var body = TaskRequestValidatorTests.Valid() with
        {
            Workload = "rerank",
            Prompt = "red fox jumps",
            Inputs = ["blue sky", "red fox", "a red hat", "red fox jumps high"],
        };
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        var outcome = harness.Admission.Submit(spec!, "corr-rerank");
        Assert.Null(outcome.Rejection);

        var frames = await PoolHarness.FramesAsync(outcome.Task!);

        var scores = frames.Where(f => f.Event == "score").Select(f => f.Data).ToList();
        Assert.Equal([0, 1, 2, 3], scores.Select(s => s.GetProperty("i").GetInt32()));
        Assert.Equal([0f, 2f, 1f, 3f], scores.Select(s => s.GetProperty("score").GetSingle()));
        Assert.Equal([4, 2, 3, 1], scores.Select(s => s.GetProperty("rank").GetInt32()));
        var end = frames[^1];
        Assert.Equal("end", end.Event);
        Assert.Equal("scored", end.Data.GetProperty("stop_reason").GetString());
        Assert.Equal(2 + 2 + 3 + 4, end.Data.GetProperty("tokens_in").GetInt32());

        var tie = TaskRequestValidatorTests.Valid() with { TaskId = Guid.NewGuid().ToString(), Workload = "rerank", Prompt = "x", Inputs = ["x a", "x b"] };
        Assert.Null(TaskRequestValidator.Validate(tie, new AdmissionLimits(), out var tieSpec));
        var tieFrames = await PoolHarness.FramesAsync(harness.Admission.Submit(tieSpec!, "corr-tie").Task!);
        Assert.Equal([1, 2], tieFrames.Where(f => f.Event == "score").Select(f => f.Data.GetProperty("rank").GetInt32()));
    }
}
