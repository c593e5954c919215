using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Telemetry;

/// <summary>Reports nothing: for pools built without a host (unit tests and tools).</summary>
internal sealed class NoTaskMetrics : ITaskMetrics
{
    public static readonly NoTaskMetrics Instance = new();

    public void TaskEnqueued(PoolMetricLabels pool, Priority priority)
    {
    }

    public void TaskStarted(PoolMetricLabels pool, string replicaId, Priority priority)
    {
    }

    public void TaskCanceled(PoolMetricLabels pool, string replicaId, string reason)
    {
    }

    public void RunEnded(PoolMetricLabels pool, string replicaId, Priority priority, RunFigures figures)
    {
    }
}
