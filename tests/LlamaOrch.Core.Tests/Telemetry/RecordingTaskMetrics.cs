using System.Collections.Concurrent;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Telemetry;

namespace LlamaOrch.Core.Tests.Telemetry;

/// <summary>Keeps every report, in order per kind, for the tests to look at.</summary>
internal sealed class RecordingTaskMetrics : ITaskMetrics
{
    public ConcurrentQueue<(PoolMetricLabels Pool, Priority Priority)> Enqueued { get; } = new();

    public ConcurrentQueue<(PoolMetricLabels Pool, string ReplicaId, Priority Priority)> Started { get; } = new();

    public ConcurrentQueue<(PoolMetricLabels Pool, string ReplicaId, string Reason)> Canceled { get; } = new();

    public ConcurrentQueue<(PoolMetricLabels Pool, string ReplicaId, Priority Priority, RunFigures Figures)> RunsEnded { get; } = new();

    public void TaskEnqueued(PoolMetricLabels pool, Priority priority) => Enqueued.Enqueue((pool, priority));

    public void TaskStarted(PoolMetricLabels pool, string replicaId, Priority priority) => Started.Enqueue((pool, replicaId, priority));

    public void TaskCanceled(PoolMetricLabels pool, string replicaId, string reason) => Canceled.Enqueue((pool, replicaId, reason));

    public void RunEnded(PoolMetricLabels pool, string replicaId, Priority priority, RunFigures figures) =>
        RunsEnded.Enqueue((pool, replicaId, priority, figures));
}
