namespace LlamaOrch.Core.Budgets;

/// <summary>What is left of a session's budget: its limit less what was charged and what running tasks hold; null where unlimited.</summary>
/// <remarks>Negative when a session went over: in advisory mode, or after its budget was lowered below what it had used.</remarks>
public readonly record struct BudgetRemaining(long? Tokens, long? TimeMs, decimal? Cost);
