using LlamaOrch.Core.Telemetry;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Core.Budgets;

/// <summary>The configured budget mode and per-session defaults (Orchestrator:Budgets), and where budgets report.</summary>
public sealed class BudgetPolicy(BudgetMode mode, BudgetLimits defaults, ILogger logger, IBudgetMetrics? metrics = null)
{
    public static readonly BudgetPolicy Off = new(BudgetMode.Off, BudgetLimits.Unlimited, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);

    public BudgetMode Mode { get; } = mode;

    public BudgetLimits Defaults { get; } = defaults;

    internal ILogger Logger { get; } = logger;

    internal IBudgetMetrics Metrics { get; } = metrics ?? NoBudgetMetrics.Instance;
}
