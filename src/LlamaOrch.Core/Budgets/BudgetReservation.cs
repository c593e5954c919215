namespace LlamaOrch.Core.Budgets;

/// <summary>
/// What one admitted task holds of its session's budget, settled once when the task ends (whichever way it ends:
/// a later settle does nothing). Tasks of sessions without budgets carry none, which is all the work budgets cost then.
/// </summary>
public sealed class BudgetReservation
{
    private int _settled;
    private long _runMsAtLeast;

    internal BudgetReservation(SessionBudget budget, string poolId, TokenPrice price, long tokens, decimal cost, int promptTokens, int? outputLimit)
    {
        Budget = budget;
        PoolId = poolId;
        Price = price;
        Tokens = tokens;
        Cost = cost;
        PromptTokens = promptTokens;
        OutputLimit = outputLimit;
    }

    public SessionBudget Budget { get; }

    internal string PoolId { get; }

    internal TokenPrice Price { get; }

    /// <summary>Tokens held in reserve: the prompt's upper bound plus the output share (0 in advisory mode).</summary>
    internal long Tokens { get; }

    internal decimal Cost { get; }

    /// <summary>The prompt's upper bound in tokens (UTF-8 bytes + 2), charged for a run cut before the engine counted the prompt.</summary>
    internal int PromptTokens { get; }

    /// <summary>
    /// For a task without <c>max_tokens</c> in enforce mode, the most it may generate within what was left: the engine
    /// gets it as its max tokens, so the budget is kept without counting tokens here. Null when unlimited.
    /// </summary>
    internal int? OutputLimit { get; }

    /// <summary>The time budget stopped the run: it is charged at least the <paramref name="given"/> time it was allowed.</summary>
    internal void RanOutOfTime(TimeSpan given) => Interlocked.Exchange(ref _runMsAtLeast, (long)Math.Ceiling(given.TotalMilliseconds));

    /// <summary>Charges the actual counts and run time, and gives the rest of the reserve back; once.</summary>
    internal void Settle(int tokensIn, int tokensOut, long runMs)
    {
        if (Interlocked.Exchange(ref _settled, 1) != 0) return;
        Budget.Settle(this, (long)tokensIn + tokensOut, Math.Max(runMs, Interlocked.Read(ref _runMsAtLeast)), Price.Of(tokensIn, tokensOut));
    }

    /// <summary>Gives the whole reserve back, charging nothing: the task was refused after its reservation.</summary>
    internal void Release() => Settle(0, 0, 0);
}
