using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Budgets;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaOrch.Core.Tests.Budgets;

/// <summary>A run under an enforced time budget, on the harness's fake clock: cut by a timer, charged from its last frame.</summary>
public sealed class BudgetRunTests
{
    [Fact]
    public void A_refused_submission_leaves_no_session_behind_but_a_session_a_client_set_a_budget_for_stays()
    {
        var harness = new PoolHarness(slots: 1, capacity: 1, budgets: new BudgetPolicy(BudgetMode.Enforce, new BudgetLimits(100_000, null, null), NullLogger.Instance));
        harness.Admit("running");
        harness.Admit("queued");

        // Its budget was looked up (the session made for it) before the full queue refused it.
        var fresh = Guid.NewGuid().ToString();
        Assert.NotNull(harness.Submit("refused", sessionId: fresh).Rejection);
        Assert.Null(harness.Pool.Sessions.Find(fresh));

        var set = Guid.NewGuid().ToString();
        harness.Pool.Sessions.SetBudget(set, new BudgetLimits(50, null, null));
        Assert.NotNull(harness.Submit("refused too", sessionId: set).Rejection);
        Assert.Equal(50, harness.Pool.Sessions.Find(set)!.TokensBudgetRemaining);
    }

    [Fact]
    public async Task A_run_that_spends_the_time_budget_ends_with_an_error_frame_and_is_charged_its_partial_counts_and_time()
    {
        var harness = new PoolHarness(budgets: new BudgetPolicy(BudgetMode.Enforce, new BudgetLimits(null, 1_000, null), NullLogger.Instance));
        var task = harness.Admit("hello");
        var call = await harness.Engine.NextCallAsync();
        call.Token("a");
        await PoolHarness.WaitForFrameAsync(task, "token");

        harness.Time.Advance(TimeSpan.FromMilliseconds(1_000));

        var error = (await PoolHarness.FramesAsync(task))[^1];
        Assert.Equal("error", error.Event);
        Assert.Equal(ErrorCodes.BudgetExceeded, error.Data.GetProperty("code").GetString());
        Assert.Equal("budget", error.Data.GetProperty("policy_label").GetString());
        Assert.Equal(1, error.Data.GetProperty("tokens_out").GetInt32());
        Assert.Equal(7, error.Data.GetProperty("tokens_in").GetInt32()); // "hello": 5 bytes + 2, its reserved bound
        var ledger = task.Budget!.Budget;
        Assert.Equal((8L, 1_000L, 0m), ledger.Charged());
        Assert.Equal(0, ledger.Remaining().TimeMs);
        Assert.Null(ledger.TryReserve("p", default, 1, 1, out var exhausted, out _)); // the session's next task is refused
        Assert.Equal("time", exhausted);
    }
}
