namespace LlamaOrch.Core.Telemetry;

/// <summary>Reports nothing: for budgets built without a host (unit tests).</summary>
internal sealed class NoBudgetMetrics : IBudgetMetrics
{
    public static readonly NoBudgetMetrics Instance = new();

    public void Charged(string poolId, long tokens, long timeMs, decimal cost)
    {
    }

    public void Refused(string poolId, string budget)
    {
    }
}
