using System.Diagnostics;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Telemetry;

/// <summary>
/// The spans of a task in orchestratord: admission (with the pool's placement under it), the queue wait, and
/// the run on a replica (the stream relay, with the engine request under it). Plain System.Diagnostics: the
/// host decides whether anything listens (docs/observability.md, Traces). With no listener every Start* returns
/// null without allocating, and the callers tag through <c>?.</c>, so a tag's value is not even computed.
/// Nothing here runs per token. No prompt or input text is ever an attribute.
/// </summary>
public static class TaskTracing
{
    /// <summary>The ActivitySource's name, for the host to subscribe to.</summary>
    public const string SourceName = "LlamaOrch.Orchestrator";

    public const string TaskIdAttribute = "llorch.task_id";
    public const string CorrelationIdAttribute = "llorch.correlation_id";
    public const string PoolIdAttribute = "llorch.pool_id";
    public const string ReplicaIdAttribute = "llorch.replica_id";
    public const string ModelAttribute = "llorch.model";

    internal const string Admission = "llorch.admission";
    internal const string Placement = "llorch.placement";
    internal const string QueueWait = "llorch.queue_wait";
    internal const string Relay = "llorch.relay";
    internal const string EngineRequest = "llorch.engine_request";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>Admission of a task, under the request's own span (the ambient one).</summary>
    internal static Activity? StartAdmission(TaskSpec spec, string correlationId)
    {
        var span = Source.StartActivity(Admission);
        if (span is { IsAllDataRequested: true })
        {
            span.SetTag(TaskIdAttribute, spec.TaskId);
            span.SetTag(CorrelationIdAttribute, correlationId);
            span.SetTag(ModelAttribute, spec.ModelRef);
            span.SetTag("llorch.priority", WireNames.Of(spec.Priority));
        }
        return span;
    }

    /// <summary>The choice of a pool among those serving the model, under admission.</summary>
    internal static Activity? StartPlacement() => Source.StartActivity(Placement);

    /// <summary>
    /// Records the wait from enqueue to dispatch after the fact, as one finished span: nothing stays open while
    /// the task is queued, and a task that never leaves the queue leaves no half span. Parent: the request that
    /// admitted the task (<see cref="OrchestratedTask.TraceParent"/>), as for the run.
    /// </summary>
    internal static void RecordQueueWait(OrchestratedTask task, string replicaId, TimeSpan queued)
    {
        if (!Source.HasListeners()) return;
        // Spans keep wall-clock times: the wait ends now and began that long ago.
        using var span = Source.StartActivity(QueueWait, ActivityKind.Internal, task.TraceParent, startTime: DateTimeOffset.UtcNow - queued);
        if (span is { IsAllDataRequested: true }) TagTask(span, task, replicaId);
    }

    /// <summary>
    /// The run of a task on a replica: the stream relay into the task's event log. Its parent is the request that
    /// admitted the task, not whatever happens to be ambient where the run started.
    /// </summary>
    internal static Activity? StartRelay(OrchestratedTask task, string replicaId)
    {
        var span = Source.StartActivity(Relay, ActivityKind.Internal, task.TraceParent);
        if (span is { IsAllDataRequested: true }) TagTask(span, task, replicaId);
        return span;
    }

    /// <summary>The call to the engine, under the relay; HttpClient's span (and the engine's trace) nests under it.</summary>
    internal static Activity? StartEngineRequest() => Source.StartActivity(EngineRequest, ActivityKind.Internal);

    private static void TagTask(Activity span, OrchestratedTask task, string replicaId)
    {
        span.SetTag(TaskIdAttribute, task.Id);
        span.SetTag(CorrelationIdAttribute, task.CorrelationId);
        span.SetTag(PoolIdAttribute, task.PoolId);
        span.SetTag(ReplicaIdAttribute, replicaId);
        span.SetTag(ModelAttribute, task.Spec.ModelRef);
    }
}
