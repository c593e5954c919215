using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests.Admission;

/// <summary>
/// A full queue under the reject policy refuses before admission makes and stores a task (a flood of 429s costs no
/// task each), with the refusal the queue itself gives, and without taking the place of the checks that come first
/// (a deadline that cannot be met keeps its answer too: <see cref="PoolRuntimeTests"/>).
/// </summary>
public sealed class FullQueueRefusalTests
{
    [Fact]
    public async Task A_full_queue_refuses_and_stores_nothing_for_the_refused_task()
    {
        var harness = await FullAsync();
        var stored = harness.Tasks.Count;

        var refused = harness.Submit("refused");

        Assert.Null(refused.Task);
        Assert.Equal(ErrorCodes.AdmissionReject, refused.Rejection!.Code);
        Assert.Equal("queue of pool 'p' is full (1 tasks)", refused.Rejection.Message);
        Assert.Equal("reject", refused.Rejection.PolicyLabel);
        Assert.True(refused.Rejection.Retriable);
        Assert.NotNull(refused.Rejection.RetryAfterMs);
        Assert.Equal(stored, harness.Tasks.Count);
    }

    [Fact]
    public async Task A_task_id_in_use_is_still_told_so_when_the_queue_is_full()
    {
        var harness = await FullAsync();

        var again = Submit(harness, harness.Queued.Id);

        Assert.Equal(ErrorCodes.TaskExists, again.Rejection!.Code);
    }

    [Fact]
    public async Task A_closed_gate_is_still_the_answer_when_the_queue_is_full()
    {
        var harness = await FullAsync();
        harness.Harness.Gate.Close(new Rejection(ErrorCodes.PoolUnavailable, "orchestratord is shutting down", Retriable: true));

        var late = harness.Harness.Submit("late");

        Assert.Equal(ErrorCodes.PoolUnavailable, late.Rejection!.Code);
    }

    private static AdmissionOutcome Submit(Full full, string taskId)
    {
        var body = TaskRequestValidatorTests.Valid() with { TaskId = taskId, SessionId = Guid.NewGuid().ToString(), Prompt = "again" };
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        return full.Harness.Admission.Submit(spec!, "corr-again");
    }

    /// <summary>A pool of one slot and a queue of one: one task runs, one waits.</summary>
    private static async Task<Full> FullAsync()
    {
        var harness = new PoolHarness(slots: 1, capacity: 1, policy: FullPolicy.Reject);
        harness.Admit("running");
        await harness.Engine.NextCallAsync();
        var queued = harness.Admit("queued");
        return new Full(harness, queued);
    }

    private sealed record Full(PoolHarness Harness, OrchestratedTask Queued)
    {
        public TaskStore Tasks => Harness.Tasks;
        public AdmissionOutcome Submit(string prompt) => Harness.Submit(prompt);
    }
}
