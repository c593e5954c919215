namespace LlamaOrch.Core.Telemetry;

/// <summary>The labels every pool series carries: the engine kind, its version (empty until a replica reported it) and the pool.</summary>
public readonly record struct PoolMetricLabels(string Engine, string EngineVersion, string PoolId);
