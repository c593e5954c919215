using LlamaOrch.Core.Telemetry;
using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// The session budget series of <c>/metrics</c>: charges and refusals per pool, never per session (session ids are
/// unbounded). A series appears with its first charge or refusal, so none while budgets are off.
/// </summary>
internal sealed class PrometheusBudgetMetrics : IBudgetMetrics
{
    private readonly Counter _tokens;
    private readonly Counter _timeMs;
    private readonly Counter _cost;
    private readonly Counter _refusals;

    public PrometheusBudgetMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _tokens = factory.CreateCounter("budget_tokens_charged_total", "Tokens (in + out) charged to session budgets when each task ended.", "pool_id");
        _timeMs = factory.CreateCounter("budget_time_charged_ms_total", "Run milliseconds charged to session budgets when each task ended.", "pool_id");
        _cost = factory.CreateCounter("budget_cost_charged_total", "Cost charged to session budgets, at the pool's price per 1,000 tokens in and out.", "pool_id");
        _refusals = factory.CreateCounter("budget_refusals_total", "Tasks refused before queueing because they could not fit a session budget (budget: tokens, time or cost).",
            "pool_id", "budget");
    }

    public void Charged(string poolId, long tokens, long timeMs, decimal cost)
    {
        _tokens.WithLabels(poolId).Inc(tokens);
        _timeMs.WithLabels(poolId).Inc(timeMs);
        _cost.WithLabels(poolId).Inc((double)cost);
    }

    public void Refused(string poolId, string budget) => _refusals.WithLabels(poolId, budget).Inc();
}
