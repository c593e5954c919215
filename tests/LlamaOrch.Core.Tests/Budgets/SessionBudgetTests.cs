using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace LlamaOrch.Core.Tests.Budgets;

/// <summary>The budget ledger: reserve at admission, settle the actual at the end, give the rest back.</summary>
public sealed class SessionBudgetTests
{
    private static readonly TokenPrice Free = new(0, 0);
    private readonly FakeTimeProvider _time = new();

    private SessionRegistry Sessions(BudgetMode mode, BudgetLimits defaults, int maxTurns = 0) =>
        new(_time, TimeSpan.FromMinutes(30), budgets: new BudgetPolicy(mode, defaults, NullLogger.Instance), maxTurns: maxTurns);

    [Fact]
    public void A_reservation_holds_prompt_and_max_tokens_until_it_settles_the_actual()
    {
        var budget = Sessions(BudgetMode.Enforce, new BudgetLimits(100, null, null)).BudgetOf("s")!;

        var first = budget.TryReserve("p", Free, promptTokens: 10, maxTokens: 30, out _, out _)!;
        Assert.Equal(60, budget.Remaining().Tokens);
        var second = budget.TryReserve("p", Free, promptTokens: 10, maxTokens: 30, out _, out _)!;
        Assert.Null(budget.TryReserve("p", Free, promptTokens: 10, maxTokens: 30, out var exhausted, out _)); // 20 left
        Assert.Equal("tokens", exhausted);

        first.Settle(tokensIn: 4, tokensOut: 30, runMs: 0);
        first.Settle(tokensIn: 4, tokensOut: 30, runMs: 0); // once only
        Assert.Equal(100 - 34 - 40, budget.Remaining().Tokens);
        second.Release();
        Assert.Equal(66, budget.Remaining().Tokens);
        Assert.Equal(34, budget.Charged().Tokens);
    }

    [Fact]
    public void Without_max_tokens_a_task_reserves_the_rest_and_gets_it_as_its_output_limit()
    {
        var budget = Sessions(BudgetMode.Enforce, new BudgetLimits(50, null, null)).BudgetOf("s")!;

        var whole = budget.TryReserve("p", Free, promptTokens: 8, maxTokens: null, out _, out _)!;

        Assert.Equal(42, whole.OutputLimit);
        Assert.Equal(0, budget.Remaining().Tokens);
        Assert.Null(budget.TryReserve("p", Free, 1, 1, out _, out var retriable));
        Assert.True(retriable); // the running task's reserve would make room
        whole.Settle(8, 42, 0);
        Assert.Null(budget.TryReserve("p", Free, 1, 1, out _, out retriable));
        Assert.False(retriable);
    }

    [Fact]
    public void Cost_is_the_pools_price_per_thousand_tokens_in_and_out_and_limits_the_output()
    {
        var price = new TokenPrice(Per1kIn: 1m, Per1kOut: 2m);
        var budget = Sessions(BudgetMode.Enforce, new BudgetLimits(null, null, 0.1m)).BudgetOf("s")!;

        var reservation = budget.TryReserve("p", price, promptTokens: 20, maxTokens: null, out _, out _)!;

        Assert.Equal(40, reservation.OutputLimit); // (0.1 − 20 × 0.001) / 0.002
        reservation.Settle(20, 10, 0);
        Assert.Equal(0.1m - 0.02m - 0.02m, budget.Remaining().Cost);
        Assert.Null(budget.TryReserve("p", price, promptTokens: 20, maxTokens: 100, out var exhausted, out _));
        Assert.Equal("cost", exhausted);
    }

    [Fact]
    public void A_large_cost_budget_at_a_tiny_price_gives_an_output_limit_that_fits_an_int()
    {
        var budget = Sessions(BudgetMode.Enforce, new BudgetLimits(null, null, 1_000_000_000_000m)).BudgetOf("s")!;

        var reservation = budget.TryReserve("p", new TokenPrice(0, 0.000001m), 10, null, out _, out _)!;

        Assert.Equal(int.MaxValue, reservation.OutputLimit);
    }

    [Fact]
    public void A_cost_budget_past_what_a_decimal_multiplies_saturates_instead_of_overflowing()
    {
        var budget = Sessions(BudgetMode.Enforce, new BudgetLimits(null, null, 1e27m)).BudgetOf("s")!;

        var reservation = budget.TryReserve("p", new TokenPrice(1m, 2m), 10, null, out _, out _)!;

        Assert.Equal(int.MaxValue, reservation.OutputLimit);
    }

    [Fact]
    public void A_task_the_cost_budget_cannot_pay_for_is_refused_as_the_cost_budget_with_tokens_to_spare()
    {
        var budget = Sessions(BudgetMode.Enforce, new BudgetLimits(100_000, null, 0.001m)).BudgetOf("s")!;

        // The prompt alone costs the whole 0.001: not one generated token is affordable, though tokens are plenty.
        Assert.Null(budget.TryReserve("p", new TokenPrice(1m, 2m), promptTokens: 1, maxTokens: null, out var exhausted, out _));

        Assert.Equal("cost", exhausted);
    }

    [Fact]
    public void Run_time_is_charged_and_a_spent_time_budget_refuses_and_gives_runs_no_time()
    {
        var budget = Sessions(BudgetMode.Enforce, new BudgetLimits(null, 1_000, null)).BudgetOf("s")!;
        Assert.Equal(TimeSpan.FromSeconds(1), budget.RunTimeLeft());

        budget.TryReserve("p", Free, 1, 1, out _, out _)!.Settle(1, 1, runMs: 1_000);

        Assert.Equal(TimeSpan.Zero, budget.RunTimeLeft());
        Assert.Null(budget.TryReserve("p", Free, 1, 1, out var exhausted, out _));
        Assert.Equal("time", exhausted);
    }

    [Fact]
    public void Advisory_mode_never_refuses_and_reports_going_over()
    {
        var budget = Sessions(BudgetMode.Advisory, new BudgetLimits(10, 10, null)).BudgetOf("s")!;

        for (var i = 0; i < 3; i++) budget.TryReserve("p", Free, 10, 10, out _, out _)!.Settle(10, 10, 20);

        Assert.Equal(-50, budget.Remaining().Tokens);
        Assert.Equal(-50, budget.Remaining().TimeMs);
        Assert.Null(budget.RunTimeLeft()); // never cut
        Assert.Null(budget.TryReserve("p", Free, 10, null, out _, out _)!.OutputLimit);
    }

    [Fact]
    public void Advisory_mode_logs_a_session_going_over_once()
    {
        var log = new CountingLogger();
        var sessions = new SessionRegistry(_time, TimeSpan.FromMinutes(30), budgets: new BudgetPolicy(BudgetMode.Advisory, new BudgetLimits(10, null, null), log));
        var budget = sessions.BudgetOf("s")!;

        budget.TryReserve("p", Free, 2, 2, out _, out _)!.Settle(2, 2, 0); // 6 left: not over
        Assert.Equal(0, log.Warnings);
        for (var i = 0; i < 3; i++) budget.TryReserve("p", Free, 2, 2, out _, out _)!.Settle(2, 2, 0);

        Assert.Equal(1, log.Warnings);
    }

    [Fact]
    public void A_put_budget_shows_in_the_report_and_the_turn_limit_counts_finished_turns()
    {
        var sessions = Sessions(BudgetMode.Enforce, BudgetLimits.Unlimited, maxTurns: 1);

        var report = sessions.SetBudget("s", new BudgetLimits(500, 60_000, 1.5m));

        Assert.Equal("enforce", report.BudgetMode);
        Assert.Equal(500, report.TokensBudgetRemaining);
        Assert.Equal(60_000, report.TimeBudgetRemainingMs);
        Assert.Equal(1.5m, report.CostBudgetRemaining);
        Assert.False(sessions.TurnLimitReached("s"));
        _time.Advance(TimeSpan.FromMinutes(31));
        Assert.Null(sessions.Find("s")); // a budget does not keep a session alive
    }

    [Fact]
    public void With_budgets_off_a_session_has_no_ledger_and_reports_no_budget()
    {
        var sessions = new SessionRegistry(_time, TimeSpan.FromMinutes(30));
        sessions.Admitted("s");

        Assert.Null(sessions.BudgetOf("s"));
        Assert.Null(sessions.Find("s")!.BudgetMode);
        Assert.Null(sessions.Find("s")!.TokensBudgetRemaining);
    }

    private sealed class CountingLogger : ILogger
    {
        public int Warnings { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Warning) Warnings++;
        }
    }
}
