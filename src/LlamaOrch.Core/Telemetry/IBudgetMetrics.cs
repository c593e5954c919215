namespace LlamaOrch.Core.Telemetry;

/// <summary>
/// What session budgets report for Prometheus, per pool and never per session (session ids are unbounded). Called
/// once per settled task or refusal, never per token. Implementations are thread-safe.
/// </summary>
public interface IBudgetMetrics
{
    /// <summary>A task of a session with budgets on ended and was charged this much.</summary>
    void Charged(string poolId, long tokens, long timeMs, decimal cost);

    /// <summary>A task was refused because it could not fit <paramref name="budget"/> (<c>tokens</c>, <c>time</c> or <c>cost</c>).</summary>
    void Refused(string poolId, string budget);
}
