namespace LlamaOrch.Core.Budgets;

/// <summary>A session's budget: tokens (in + out), run milliseconds and cost; null for unlimited.</summary>
public sealed record BudgetLimits(long? Tokens, long? TimeMs, decimal? Cost)
{
    public static readonly BudgetLimits Unlimited = new(null, null, null);
}
