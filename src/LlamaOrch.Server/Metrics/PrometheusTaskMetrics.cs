using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Telemetry;
using Prometheus;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// The event series of <c>/metrics</c>, with the names and label sets of the home profile §8 and the contract
/// notes: what Core reports through <see cref="ITaskMetrics"/>, and the refusals the task endpoint sees. Every label
/// value is bounded (engine, version, pool, replica, priority, error code, policy); no task or session ids.
/// </summary>
internal sealed class PrometheusTaskMetrics : ITaskMetrics
{
    /// <summary>Time to the first token: from a few ms on a warm GPU to tens of seconds on a loaded CPU.</summary>
    private static readonly double[] FirstTokenBucketsMs = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];

    /// <summary>Decode time of a whole task: short answers to minutes-long generations.</summary>
    private static readonly double[] DecodeBucketsMs = [50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000, 300000];

    private readonly Counter _enqueued;
    private readonly Counter _rejected;
    private readonly Counter _backpressure;
    private readonly Counter _started;
    private readonly Counter _canceled;
    private readonly Counter _tokensIn;
    private readonly Counter _tokensOut;
    private readonly Histogram _firstToken;
    private readonly Histogram _decode;

    public PrometheusTaskMetrics(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        _enqueued = factory.CreateCounter("tasks_enqueued_total", "Tasks admitted into a pool's queue; replica_id is empty, since placement on a replica comes later.",
            "engine", "engine_version", "pool_id", "replica_id", "priority");
        _rejected = factory.CreateCounter("tasks_rejected_total", "Task submissions refused, by error code (reason); no engine version, since none was chosen.",
            "engine", "reason");
        _backpressure = factory.CreateCounter("admission_backpressure_events_total", "Submissions refused because a pool's queue was full, by the queue's full policy.",
            "engine", "policy");
        _started = factory.CreateCounter("tasks_started_total", "Tasks that started on a replica (a task moved off a hung replica counts once).",
            "engine", "engine_version", "pool_id", "replica_id", "priority");
        _canceled = factory.CreateCounter("tasks_canceled_total", "Tasks cancelled; replica_id is empty for a task cancelled while queued.",
            "engine", "engine_version", "pool_id", "replica_id", "reason");
        _tokensIn = factory.CreateCounter("tokens_in_total", "Prompt (or input) tokens the engines read, counted when each run ends.",
            "engine", "engine_version", "pool_id", "replica_id");
        _tokensOut = factory.CreateCounter("tokens_out_total", "Tokens the engines produced, counted when each run ends.",
            "engine", "engine_version", "pool_id", "replica_id");
        _firstToken = factory.CreateHistogram("latency_first_token_ms", "Milliseconds from a run's start on a replica to its first token.",
            new HistogramConfiguration { LabelNames = ["engine", "engine_version", "pool_id", "priority"], Buckets = FirstTokenBucketsMs });
        _decode = factory.CreateHistogram("latency_decode_ms", "Decode milliseconds the engine reported for each task it finished.",
            new HistogramConfiguration { LabelNames = ["engine", "engine_version", "pool_id", "priority"], Buckets = DecodeBucketsMs });
    }

    public void TaskEnqueued(PoolMetricLabels pool, Priority priority) =>
        _enqueued.WithLabels(pool.Engine, pool.EngineVersion, pool.PoolId, string.Empty, WireNames.Of(priority)).Inc();

    public void TaskStarted(PoolMetricLabels pool, string replicaId, Priority priority) =>
        _started.WithLabels(pool.Engine, pool.EngineVersion, pool.PoolId, replicaId, WireNames.Of(priority)).Inc();

    public void TaskCanceled(PoolMetricLabels pool, string replicaId, string reason) =>
        _canceled.WithLabels(pool.Engine, pool.EngineVersion, pool.PoolId, replicaId, reason).Inc();

    public void RunEnded(PoolMetricLabels pool, string replicaId, Priority priority, RunFigures figures)
    {
        _tokensIn.WithLabels(pool.Engine, pool.EngineVersion, pool.PoolId, replicaId).Inc(figures.TokensIn);
        _tokensOut.WithLabels(pool.Engine, pool.EngineVersion, pool.PoolId, replicaId).Inc(figures.TokensOut);
        if (figures.FirstTokenMs is { } firstTokenMs)
            _firstToken.WithLabels(pool.Engine, pool.EngineVersion, pool.PoolId, WireNames.Of(priority)).Observe(firstTokenMs);
        if (figures.DecodeMs is { } decodeMs)
            _decode.WithLabels(pool.Engine, pool.EngineVersion, pool.PoolId, WireNames.Of(priority)).Observe(decodeMs);
    }

    /// <summary>
    /// A submission refused with <paramref name="code"/>; a queue's full policy (<paramref name="policy"/>, on
    /// <c>ADMISSION_REJECT</c> and <c>QUEUE_FULL_DROP_LRU</c>) also counts as a backpressure event.
    /// </summary>
    /// <param name="engine">The task's engine, or empty when the body named none that exists.</param>
    public void TaskRejected(string engine, string code, string? policy)
    {
        _rejected.WithLabels(engine, code).Inc();
        // Budget and session refusals carry a policy_label too, but they are not a full queue.
        if (policy is not null && code is ErrorCodes.AdmissionReject or ErrorCodes.QueueFullDropLru) _backpressure.WithLabels(engine, policy).Inc();
    }
}
