namespace LlamaOrch.Contracts.Control;

/// <summary>One replica in <c>GET /v1/replicasets</c>: enough for a client to derive safe concurrency.</summary>
/// <param name="State"><c>pending</c>, <c>starting</c>, <c>ready</c>, <c>unresponsive</c> (missed its last health check: takes no task), <c>ready_incoming</c> (reload not switched yet), <c>down</c>, <c>stopping</c>.</param>
/// <param name="Load">Busy slots over total slots, 0 to 1.</param>
/// <param name="Devices">Where its engine runs: <c>cpu</c> or GPU indices; empty until placed.</param>
public sealed record ReplicaSetEntry(
    string Id,
    string PoolId,
    string Engine,
    string? EngineVersion,
    string Model,
    IReadOnlyList<string> Devices,
    int SlotsTotal,
    int SlotsFree,
    double Load,
    string State,
    double? TokensPerSecond,
    double? TtftMs,
    string? LastError,
    ReplicaSlo Slo);

/// <summary>What the replica has delivered: moving averages over its recent tasks.</summary>
public sealed record ReplicaSlo(double? TtftMs, double? TokensPerSecond, long TasksCompleted);
