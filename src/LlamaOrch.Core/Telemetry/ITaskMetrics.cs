using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Telemetry;

/// <summary>
/// What the way of a task reports for the Prometheus series of the home profile §8 and the contract notes; the
/// host exports it. An interface rather than a <c>System.Diagnostics.Metrics.Meter</c>: the specs fix each series'
/// exact name and label set, and a Meter's instruments reach Prometheus through an adapter that renames them
/// (unit and <c>_total</c> suffixes) and takes its label set from whatever tags each call passes. Each method is
/// called once per task event, never per token. Implementations are thread-safe.
/// </summary>
public interface ITaskMetrics
{
    /// <summary>A task entered its pool's queue (<c>tasks_enqueued_total</c>); no replica is chosen yet.</summary>
    void TaskEnqueued(PoolMetricLabels pool, Priority priority);

    /// <summary>A task's first run started on a replica (<c>tasks_started_total</c>); a requeued task's second run does not count again.</summary>
    void TaskStarted(PoolMetricLabels pool, string replicaId, Priority priority);

    /// <summary>A client cancelled a task (<c>tasks_canceled_total</c>); <paramref name="replicaId"/> is empty when it was still queued.</summary>
    void TaskCanceled(PoolMetricLabels pool, string replicaId, string reason);

    /// <summary>A run on a replica ended, however it ended: its tokens and, when it got that far, its latencies.</summary>
    void RunEnded(PoolMetricLabels pool, string replicaId, Priority priority, RunFigures figures);
}
