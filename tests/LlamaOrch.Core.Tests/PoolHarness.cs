using System.Text;
using System.Text.Json;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaOrch.Core.Tests;

/// <summary>One pool with one replica backed by a <see cref="ScriptedEngine"/>, and the admission in front of it.</summary>
internal sealed class PoolHarness
{
    /// <param name="ready">False to leave the replica as the supervisor first finds it: not started yet.</param>
    public PoolHarness(int slots = 1, int capacity = 8, FullPolicy policy = FullPolicy.Reject, IReadOnlyList<Workload>? workloads = null, bool ready = true)
    {
        var config = new PoolConfig
        {
            Id = "p", Model = "sim:test", Slots = slots, QueueCapacity = capacity, QueuePolicy = policy, Ctx = 512,
            Workloads = workloads ?? [Workload.Completion],
        };
        Pool = new PoolRuntime(config, new TaskRunner(Time, TimeSpan.FromHours(1), NullLogger<TaskRunner>.Instance), Time);
        Tasks = new TaskStore(TimeSpan.FromMinutes(1), 2, Time);
        var pools = new PoolRegistry([Pool]);
        Admission = new AdmissionService(pools, Tasks, Time, new PoolPlacement(pools, PlacementContext.Detached()));
        if (ready) MakeReady();
    }

    public void MakeReady() => Pool.ReplicaReady(ReplicaId, Engine, new EngineFacts("scripted", 512, Pool.Config.Slots));

    public const string ReplicaId = "p-r0";

    public ManualTimeProvider Time { get; } = new();
    public ScriptedEngine Engine { get; } = new();
    public PoolRuntime Pool { get; }
    public TaskStore Tasks { get; }
    public AdmissionService Admission { get; }

    public AdmissionOutcome Submit(string prompt, Priority priority = Priority.Interactive, long deadlineMs = 0)
    {
        var body = TaskRequestValidatorTests.Valid() with
        {
            TaskId = Guid.NewGuid().ToString(),
            Prompt = prompt,
            Priority = priority == Priority.Interactive ? "interactive" : "batch",
            DeadlineMs = deadlineMs,
        };
        Assert.Null(TaskRequestValidator.Validate(body, new AdmissionLimits(), out var spec));
        return Admission.Submit(spec!, "corr-" + prompt);
    }

    public OrchestratedTask Admit(string prompt, Priority priority = Priority.Interactive, long deadlineMs = 0)
    {
        var outcome = Submit(prompt, priority, deadlineMs);
        Assert.Null(outcome.Rejection);
        return outcome.Task!;
    }

    /// <summary>Every frame of a finished task as (event, data).</summary>
    public static async Task<List<(string Event, JsonElement Data)>> FramesAsync(OrchestratedTask task)
    {
        var raw = new List<byte[]>();
        var next = 0;
        var closed = false;
        while (!closed) (next, closed) = await task.ReadFramesAsync(next, raw).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        return raw.Select(Parse).ToList();
    }

    private static (string, JsonElement) Parse(byte[] frame)
    {
        var lines = Encoding.UTF8.GetString(frame).Split('\n');
        return (lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone());
    }
}
