using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Core;

/// <summary>What Core's services are built from, validated by the host beforehand.</summary>
/// <param name="TaskRetention">How long a finished task's stream stays readable.</param>
/// <param name="MaxRetainedTasks">How many finished tasks stay readable at most.</param>
/// <param name="MetricsInterval">How often a running task's stream gets a <c>metrics</c> frame.</param>
/// <param name="DefaultModel">What a task without <c>model_ref</c> asks for; null to take the one model the pools serve.</param>
/// <param name="SessionIdleTtl">How long a session lasts without a task; null for <see cref="Sessions.SessionDefaults.IdleTtl"/>.</param>
/// <param name="SessionAffinityWait">How long a task may wait for its session's busy slot; null for <see cref="Sessions.SessionDefaults.AffinityWait"/>.</param>
/// <param name="MaxTurns">Turns a session may have; 0 for unlimited.</param>
/// <param name="BudgetDefaults">Each session's budget until it is set; null for unlimited.</param>
/// <param name="ArtifactMaxBytes">The largest canonical form of one artifact, task transcripts included; null for no limit.</param>
public sealed record CoreOptions(
    IReadOnlyList<PoolConfig> Pools,
    TimeSpan TaskRetention,
    int MaxRetainedTasks,
    TimeSpan MetricsInterval,
    string? DefaultModel,
    TimeSpan? SessionIdleTtl = null,
    TimeSpan? SessionAffinityWait = null,
    int MaxTurns = 0,
    BudgetMode BudgetMode = BudgetMode.Off,
    BudgetLimits? BudgetDefaults = null,
    int? ArtifactMaxBytes = null);
