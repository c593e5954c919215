using LlamaOrch.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Core.Budgets;

/// <summary>
/// One session's budget ledger: its limits, what its ended tasks were charged, and what its admitted tasks hold in
/// reserve. Admission reserves a task's most (<see cref="TryReserve"/>), its end settles the actual and gives the
/// rest back (<see cref="BudgetReservation.Settle"/>), so concurrent tasks can never together promise more tokens or
/// cost than is left. Time is not reserved (a run's length is unknown before it ends): each run may use what was
/// left when it started. Thread-safe; its lock is taken once at admission and once at the end of a task, never per
/// token, and no other lock is taken under it.
/// </summary>
public sealed class SessionBudget
{
    private readonly Lock _gate = new();
    private readonly BudgetPolicy _policy;
    private readonly string _sessionId;
    private BudgetLimits _limits;
    private long _tokensCharged;
    private long _timeChargedMs;
    private decimal _costCharged;
    private long _tokensReserved;
    private decimal _costReserved;
    /// <summary>Advisory mode logs a session going over once, not once per task.</summary>
    private bool _overLogged;

    internal SessionBudget(BudgetPolicy policy, string sessionId)
    {
        _policy = policy;
        _sessionId = sessionId;
        _limits = policy.Defaults;
    }

    public BudgetMode Mode => _policy.Mode;

    internal IBudgetMetrics Metrics => _policy.Metrics;

    /// <summary>Replaces the limits; what was charged and reserved stays, so lowering them can leave less than nothing.</summary>
    internal void SetLimits(BudgetLimits limits)
    {
        lock (_gate) _limits = limits;
    }

    public BudgetRemaining Remaining()
    {
        lock (_gate) return RemainingLocked();
    }

    /// <summary>Charged so far: tokens, run milliseconds and cost of the ended tasks.</summary>
    public (long Tokens, long TimeMs, decimal Cost) Charged()
    {
        lock (_gate) return (_tokensCharged, _timeChargedMs, _costCharged);
    }

    /// <summary>
    /// Reserves a task's most: <paramref name="promptTokens"/> (an upper bound) plus <paramref name="maxTokens"/>, or,
    /// without <paramref name="maxTokens"/>, all that is left of the token and cost budgets, whose output share then
    /// becomes the run's token limit. In enforce mode, a task that does not fit is refused: the budget it ran out of
    /// is returned, with whether the reserves of the session's unfinished tasks would make room once given back, and
    /// nothing is reserved.
    /// </summary>
    internal BudgetReservation? TryReserve(string poolId, TokenPrice price, int promptTokens, int? maxTokens, out string? exhausted, out bool retriable)
    {
        exhausted = null;
        retriable = false;
        var enforce = _policy.Mode == BudgetMode.Enforce;
        lock (_gate)
        {
            var left = RemainingLocked();
            // Without max_tokens the task may take all that is left: its output share is what the prompt leaves of the
            // token budget, and what the cost budget buys after the prompt, whichever is less.
            long? tokenShare = null, costShare = null;
            if (enforce && maxTokens is null)
            {
                if (left.Tokens is { } tokensLeft) tokenShare = tokensLeft - promptTokens;
                if (left.Cost is { } costLeft && price.Per1kOut > 0) costShare = Affordable(costLeft - price.Of(promptTokens, 0), price.Per1kOut);
            }
            var outputLimit = tokenShare is null ? costShare : costShare is null ? tokenShare : Math.Min(tokenShare.Value, costShare.Value);
            var output = maxTokens ?? outputLimit ?? 0;
            var tokens = promptTokens + output;
            var cost = price.Of(promptTokens, output);
            if (enforce)
            {
                if (left.TimeMs <= 0) exhausted = "time";
                else if (left.Tokens < tokens || tokenShare < 1) exhausted = "tokens";
                else if (left.Cost < cost || costShare < 1) exhausted = "cost";
                if (exhausted is not null)
                {
                    var least = promptTokens + (maxTokens ?? 1);
                    retriable = exhausted != "time" && (_tokensReserved > 0 || _costReserved > 0)
                        && !(_limits.Tokens - _tokensCharged < least) && !(_limits.Cost - _costCharged < price.Of(promptTokens, maxTokens ?? 1));
                    return null;
                }
                _tokensReserved += tokens;
                _costReserved += cost;
            }
            return new BudgetReservation(this, poolId, price, enforce ? tokens : 0, enforce ? cost : 0, promptTokens,
                outputLimit is { } limit ? (int)Math.Min(limit, int.MaxValue) : null);
        }
    }

    /// <summary>
    /// The generated tokens <paramref name="spendable"/> buys at <paramref name="per1kOut"/>, at most <see cref="int.MaxValue"/>:
    /// a large budget at a small price affords more than a decimal holds (7.9e28), let alone an engine's limit.
    /// </summary>
    private static long Affordable(decimal spendable, decimal per1kOut)
    {
        if (spendable <= 0) return 0;
        var perToken = per1kOut / 1000m;
        return spendable / int.MaxValue >= perToken ? int.MaxValue : (long)Math.Floor(spendable / perToken);
    }

    /// <summary>How long a run starting now may take before the time budget is spent; null without an enforced time budget.</summary>
    internal TimeSpan? RunTimeLeft()
    {
        if (_policy.Mode != BudgetMode.Enforce) return null;
        lock (_gate) return _limits.TimeMs is { } limit ? TimeSpan.FromMilliseconds(Math.Max(0, limit - _timeChargedMs)) : null;
    }

    internal void Settle(BudgetReservation reservation, long tokens, long timeMs, decimal cost)
    {
        bool newlyOver;
        lock (_gate)
        {
            _tokensReserved -= reservation.Tokens;
            _costReserved -= reservation.Cost;
            _tokensCharged += tokens;
            _timeChargedMs += timeMs;
            _costCharged += cost;
            var left = RemainingLocked();
            newlyOver = _policy.Mode == BudgetMode.Advisory && !_overLogged && (left.Tokens < 0 || left.TimeMs < 0 || left.Cost < 0);
            _overLogged |= newlyOver;
        }
        _policy.Metrics.Charged(reservation.PoolId, tokens, timeMs, cost);
        if (newlyOver)
            _policy.Logger.LogWarning("Session {SessionId} went over its budget (advisory mode, nothing refused): {Remaining}", _sessionId, Remaining());
    }

    private BudgetRemaining RemainingLocked() => new(
        _limits.Tokens - _tokensCharged - _tokensReserved,
        _limits.TimeMs - _timeChargedMs,
        _limits.Cost - _costCharged - _costReserved);
}
