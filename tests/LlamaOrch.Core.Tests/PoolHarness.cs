using System.Text.Json;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Sessions;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Telemetry;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaOrch.Core.Tests;

/// <summary>One pool with ready replicas (one unless asked) each backed by a <see cref="ScriptedEngine"/>, and the admission in front of it.</summary>
internal sealed class PoolHarness
{
    /// <param name="metricsInterval">How often streams get <c>metrics</c> frames at most; by default an hour, which leaves a queued task one.</param>
    /// <param name="ready">False to leave the replicas as the supervisor first finds them: not started yet.</param>
    /// <param name="affinityWait">How long a session's task waits for its busy slot; by default none, as the harness's tasks each have their own session.</param>
    public PoolHarness(int slots = 1, int capacity = 8, FullPolicy policy = FullPolicy.Reject, IReadOnlyList<Workload>? workloads = null, int replicas = 1, bool ready = true,
        ITaskMetrics? metrics = null, TimeSpan? metricsInterval = null, TimeSpan affinityWait = default, BudgetPolicy? budgets = null,
        bool batchesTogether = false)
    {
        _batchesTogether = batchesTogether;
        var config = new PoolConfig
        {
            Id = "p", Model = "sim:test", Slots = slots, QueueCapacity = capacity, QueuePolicy = policy, Ctx = 512,
            Workloads = workloads ?? [Workload.Completion], Replicas = replicas,
        };
        Runner = new TaskRunner(Time, metricsInterval ?? TimeSpan.FromHours(1), NullLogger<TaskRunner>.Instance);
        // Sessions on the harness's clock, with session budgets when asked for.
        var placement = new PlacementContext(NoDeviceAvailability.Instance, new SessionRegistry(Time, SessionDefaults.IdleTtl, budgets: budgets), new PlacementCounters(), NullLogger.Instance);
        Pool = new PoolRuntime(config, Runner, Time, placement, metrics, affinityWait);
        Tasks = new TaskStore(TimeSpan.FromMinutes(1), 2, Time);
        Pools = new PoolRegistry([Pool]);
        Admission = new AdmissionService(Pools, Tasks, Time, new PoolPlacement(Pools, placement), gate: Gate);
        Engines = Enumerable.Range(0, replicas).Select(_ => new ScriptedEngine()).ToList();
        if (ready) MakeReady();
    }

    public void MakeReady()
    {
        for (var i = 0; i < Engines.Count; i++)
            Pool.ReplicaReady(PoolRuntime.ReplicaId("p", i), Engines[i], new EngineFacts("scripted", 512, Pool.Config.Slots) { BatchesSequencesTogether = _batchesTogether });
    }

    /// <summary>The engines act as llama-server: they batch the sequences they run together.</summary>
    private readonly bool _batchesTogether;

    public const string ReplicaId = "p-r0";

    public FakeTimeProvider Time { get; } = new();
    /// <summary>The engine of each replica, by replica number.</summary>
    public IReadOnlyList<ScriptedEngine> Engines { get; }
    public ScriptedEngine Engine => Engines[0];
    public TaskRunner Runner { get; }
    public PoolRuntime Pool { get; }
    public PoolRegistry Pools { get; }
    public AdmissionGate Gate { get; } = new();
    public TaskStore Tasks { get; }
    public AdmissionService Admission { get; }

    /// <param name="sessionId">By default a new one: no session affinity between the harness's tasks.</param>
    public AdmissionOutcome Submit(string prompt, Priority priority = Priority.Interactive, long deadlineMs = 0, string? sessionId = null, bool strict = false)
    {
        var body = TaskRequestValidatorTests.Valid() with
        {
            TaskId = Guid.NewGuid().ToString(),
            SessionId = sessionId ?? Guid.NewGuid().ToString(),
            Prompt = prompt,
            Priority = priority == Priority.Interactive ? "interactive" : "batch",
            DeadlineMs = deadlineMs,
            Determinism = strict ? "strict" : "best_effort",
        };
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        return Admission.Submit(spec!, "corr-" + prompt);
    }

    public OrchestratedTask Admit(string prompt, Priority priority = Priority.Interactive, long deadlineMs = 0, string? sessionId = null, bool strict = false)
    {
        var outcome = Submit(prompt, priority, deadlineMs, sessionId, strict);
        Assert.Null(outcome.Rejection);
        return outcome.Task!;
    }

    /// <summary>Every event of a finished task as (name, data): the names and JSON payloads of the task contract.</summary>
    public static async Task<List<(string Event, JsonElement Data)>> FramesAsync(OrchestratedTask task)
    {
        var events = new List<TaskEventRecord>();
        var next = 0;
        var closed = false;
        while (!closed) (next, closed) = await task.ReadEventsAsync(next, events).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return events.Select(Describe).ToList();
    }

    /// <summary>
    /// The one frame of a task that never left the queue besides its queued <c>metrics</c> frames (which the contract
    /// allows before it): asserts that every other frame is one, with a queue position.
    /// </summary>
    public static (string Event, JsonElement Data) OnlyFrameAfterQueued(List<(string Event, JsonElement Data)> frames)
    {
        Assert.NotEmpty(frames);
        Assert.All(frames[..^1], f => Assert.True(f.Event == "metrics" && f.Data.TryGetProperty("queue_position", out _), $"{f.Event} {f.Data}"));
        return frames[^1];
    }

    /// <summary>Waits until the task's log holds an event of this name (the runner appends them asynchronously).</summary>
    public static async Task WaitForFrameAsync(OrchestratedTask task, string eventName)
    {
        var events = new List<TaskEventRecord>();
        var next = 0;
        var closed = false;
        while (!events.Select(Describe).Any(f => f.Event == eventName))
        {
            Assert.False(closed, $"the stream closed without a {eventName} event");
            (next, closed) = await task.ReadEventsAsync(next, events).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    private static (string Event, JsonElement Data) Describe(TaskEventRecord taskEvent)
    {
        var json = ContractsJsonContext.Default;
        var payload = taskEvent.Payload;
        return taskEvent.Kind switch
        {
            TaskEventKind.Started => ("started", JsonSerializer.SerializeToElement((StartedFrame)payload!, json.StartedFrame)),
            TaskEventKind.Token => ("token", JsonSerializer.SerializeToElement(new TokenFrame(taskEvent.Text!, taskEvent.TokenIndex), json.TokenFrame)),
            TaskEventKind.Metrics => ("metrics", JsonSerializer.SerializeToElement((MetricsFrame)payload!, json.MetricsFrame)),
            TaskEventKind.Embedding => ("embedding", JsonSerializer.SerializeToElement((EmbeddingFrame)payload!, json.EmbeddingFrame)),
            TaskEventKind.Score => ("score", JsonSerializer.SerializeToElement((ScoreFrame)payload!, json.ScoreFrame)),
            TaskEventKind.End => ("end", JsonSerializer.SerializeToElement((EndFrame)payload!, json.EndFrame)),
            TaskEventKind.Error => ("error", JsonSerializer.SerializeToElement((ErrorEnvelope)payload!, json.ErrorEnvelope)),
            _ => throw new ArgumentOutOfRangeException(nameof(taskEvent), taskEvent.Kind, null),
        };
    }
}
