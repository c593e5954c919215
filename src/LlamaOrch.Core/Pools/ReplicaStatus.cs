namespace LlamaOrch.Core.Pools;

/// <summary>One replica as <c>/v1/replicasets</c> and <c>/v1/devices</c> show it.</summary>
public sealed record ReplicaStatus(
    string Id,
    string PoolId,
    string Model,
    ReplicaRole Role,
    string State,
    string? Device,
    int SlotsTotal,
    int SlotsFree,
    int Busy,
    string? EngineVersion,
    double? TokensPerSecond,
    double? TimeToFirstTokenMs,
    long Completed,
    string? LastError);
