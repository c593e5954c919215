using LlamaOrch.Core.Sessions;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaOrch.Core.Tests.Placement;

/// <summary>Admission-time pool choice and dispatch-time replica choice, on scripted engines.</summary>
public sealed class PlacementTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly TaskStore _tasks;
    private readonly FakeDevices _devices = new();
    private readonly PlacementContext _context;

    public PlacementTests()
    {
        _tasks = new TaskStore(TimeSpan.FromMinutes(1), 1000, _time);
        _context = new PlacementContext(_devices, new SessionRegistry(TimeProvider.System, SessionDefaults.IdleTtl), new PlacementCounters(), NullLogger.Instance);
    }

    [Fact]
    public void A_pin_goes_to_its_pool_and_an_infeasible_pin_is_an_error_not_a_fallback()
    {
        var (admission, a, b) = TwoPools();
        Assert.Same(b, admission.Submit(Spec(Pin("b")), "c").Task!.Pool);

        var unknown = admission.Submit(Spec(Pin("nope")), "c");
        Assert.Equal("INVALID_PARAMS", unknown.Rejection!.Code);
        Assert.Contains("no pool 'nope'", unknown.Rejection.Message);

        b.Drain(TimeSpan.FromMinutes(1));
        var drained = admission.Submit(Spec(Pin("b")), "c");
        Assert.Equal("POOL_UNAVAILABLE", drained.Rejection!.Code);
        Assert.Equal(2, Count(PlacementOutcomes.Infeasible, pinned: true));
        Assert.NotNull(a);
    }

    [Fact]
    public void A_task_the_chosen_pool_refuses_counts_as_refused_not_queued()
    {
        var admission = Admission(OneSlotQueueOfOne("small"));

        Assert.NotNull(admission.Submit(Spec(), "running").Task);
        Assert.NotNull(admission.Submit(Spec(), "waiting").Task);
        Assert.Equal("ADMISSION_REJECT", admission.Submit(Spec(), "refused").Rejection!.Code);

        Assert.Equal(2, Count(PlacementOutcomes.Queued, pinned: false));
        Assert.Equal(1, Count(PlacementOutcomes.Refused, pinned: false));
    }

    [Fact]
    public void A_full_queue_in_one_pool_refuses_only_the_tasks_placed_there()
    {
        var full = OneSlotQueueOfOne("full");
        var roomy = Pool("roomy");
        roomy.ReplicaReady("roomy-r0", new ScriptedEngine(), new EngineFacts("v", 512, 4));
        var admission = Admission(full, roomy);
        Assert.Same(full, admission.Submit(Spec(Pin("full")), "running").Task!.Pool);
        Assert.Same(full, admission.Submit(Spec(Pin("full")), "waiting").Task!.Pool);

        // Placement weighs both pools; the full one's refusal stays with it.
        Assert.Same(roomy, admission.Submit(Spec(), "c").Task!.Pool);
        Assert.Same(roomy, admission.Submit(Spec(new PlacementSpec(PlacementMode.Auto, null, [], ["full"], null, false)), "c").Task!.Pool);

        var preferred = admission.Submit(Spec(new PlacementSpec(PlacementMode.Prefer, null, ["full"], [], null, AllowFallback: true)), "c");
        Assert.Equal(("ADMISSION_REJECT", "queue of pool 'full' is full (1 tasks)"), (preferred.Rejection!.Code, preferred.Rejection.Message));
        Assert.Equal("ADMISSION_REJECT", admission.Submit(Spec(Pin("full")), "c").Rejection!.Code);
        Assert.Equal(2, Count(PlacementOutcomes.Refused, pinned: false) + Count(PlacementOutcomes.Refused, pinned: true));
    }

    [Fact]
    public void A_single_pool_takes_the_task_or_names_the_first_stage_that_rules_it_out()
    {
        var pool = Pool("solo");
        pool.ReplicaReady("solo-r0", new ScriptedEngine(), new EngineFacts("v", 512, 4));
        var admission = Admission(pool);

        Assert.Same(pool, admission.Submit(Spec(), "c").Task!.Pool);

        var workload = admission.Submit(Spec() with { Workload = Workload.Embedding, Prompt = null, Inputs = ["x"] }, "c").Rejection!;
        Assert.Equal(("INVALID_PARAMS", "workload: 'embedding' is not served for model 'm' (supported: completion)"), (workload.Code, workload.Message));

        var ctx = admission.Submit(Spec() with { Ctx = 4096 }, "c").Rejection!;
        Assert.Equal(("INVALID_PARAMS", "ctx: 4096 exceeds the largest context a pool serving 'm' supports (512)"), (ctx.Code, ctx.Message));

        var maxTokens = admission.Submit(Spec() with { Ctx = null, MaxTokens = 1000 }, "c").Rejection!;
        Assert.Equal("max_tokens: 1000 exceeds the largest context a pool serving 'm' supports (512)", maxTokens.Message);

        pool.Drain(TimeSpan.FromMinutes(1));
        var drained = admission.Submit(Spec(), "c").Rejection!;
        Assert.Equal(("POOL_UNAVAILABLE", "every pool serving 'm' is draining: solo"), (drained.Code, drained.Message));
        Assert.Equal(4, Count(PlacementOutcomes.Infeasible, pinned: false));
        Assert.Equal(1, Count(PlacementOutcomes.Queued, pinned: false));
    }

    [Fact]
    public void Avoid_and_prefer_fall_back_only_when_allowed()
    {
        var (admission, a, b) = TwoPools();
        Assert.Same(b, admission.Submit(Spec(new PlacementSpec(PlacementMode.Auto, null, [], ["a"], null, true)), "c").Task!.Pool);
        Assert.Same(a, admission.Submit(Spec(new PlacementSpec(PlacementMode.Prefer, null, ["a"], [], null, true)), "c").Task!.Pool);

        b.Drain(TimeSpan.FromMinutes(1));
        var fellBack = admission.Submit(Spec(new PlacementSpec(PlacementMode.Prefer, null, ["b"], [], null, AllowFallback: true)), "c");
        Assert.Same(a, fellBack.Task!.Pool);
        Assert.Equal(1, Count(PlacementOutcomes.Queued, pinned: false, fallback: true));

        var strict = admission.Submit(Spec(new PlacementSpec(PlacementMode.Prefer, null, ["b"], [], null, AllowFallback: false)), "c");
        Assert.Equal("POOL_UNAVAILABLE", strict.Rejection!.Code);
        var avoidOnly = admission.Submit(Spec(new PlacementSpec(PlacementMode.Auto, null, [], ["a"], null, AllowFallback: false)), "c");
        Assert.Contains("avoid_pools", avoidOnly.Rejection!.Message);
    }

    [Fact]
    public void The_least_loaded_pool_wins_then_the_one_with_more_free_vram()
    {
        var (admission, a, b) = TwoPools(devices: ("0", "1"));
        _devices.Available["0"] = 5L << 30;
        _devices.Available["1"] = 9L << 30;
        Assert.Same(b, admission.Submit(Spec(), "c").Task!.Pool);   // equal load: more free VRAM
        Assert.Same(a, admission.Submit(Spec(), "c").Task!.Pool);   // b is busier now
    }

    [Fact]
    public async Task Placement_reads_the_devices_once_per_pass_and_dispatches_to_the_most_free_vram()
    {
        var engines = new[] { new ScriptedEngine(), new ScriptedEngine(), new ScriptedEngine() };
        var pool = Pool("p", replicas: 3, slots: 1);
        for (var i = 0; i < engines.Length; i++)
        {
            pool.ReplicaStarting($"p-r{i}", $"{i}");
            pool.ReplicaReady($"p-r{i}", engines[i], new EngineFacts("v", 512, 1));
        }
        (_devices.Available["0"], _devices.Available["1"], _devices.Available["2"]) = (2L << 30, 7L << 30, 4L << 30);
        var admission = Admission(pool);
        var before = _devices.Snapshots;

        admission.Submit(Spec(prompt: "most free"), "c");

        Assert.Equal("most free", (await engines[1].NextCallAsync()).Request.Prompt);
        // One snapshot for the dispatch pass, however many replicas were compared; none to choose the only pool serving
        // the model (with one feasible pool admission ranks nothing, so it reads no pool's load).
        Assert.Equal(1, _devices.Snapshots - before);
    }

    [Fact]
    public async Task A_device_mask_restricts_dispatch_without_blocking_the_tasks_behind_it()
    {
        var engine0 = new ScriptedEngine();
        var engine1 = new ScriptedEngine();
        var pool = Pool("p", replicas: 2, slots: 1);
        pool.ReplicaStarting("p-r0", "0");
        pool.ReplicaStarting("p-r1", "1");
        pool.ReplicaReady("p-r0", engine0, new EngineFacts("v", 512, 1));
        var admission = Admission(pool);

        // Only GPU 0 is ready: a task for GPU 1 is refused at admission, naming where the replicas are.
        var refused = admission.Submit(Spec(Mask("1")), "c");
        Assert.Contains("p-r0 on 0", refused.Rejection!.Message);

        pool.ReplicaReady("p-r1", engine1, new EngineFacts("v", 512, 1));
        admission.Submit(Spec(Mask("0"), prompt: "first on 0"), "c");
        Assert.Equal("first on 0", (await engine0.NextCallAsync()).Request.Prompt);
        admission.Submit(Spec(Mask("0"), prompt: "second on 0"), "c");   // GPU 0 is busy: waits
        admission.Submit(Spec(prompt: "anywhere"), "c");                  // behind it, but r1 is free
        Assert.Equal("anywhere", (await engine1.NextCallAsync()).Request.Prompt);
        // "second on 0" still waits: dispatch decides under the pool's lock, before any engine is called.
        Assert.Equal(1, pool.QueueDepth);
        Assert.Equal(1, pool.Replicas().Single(r => r.Id == "p-r0").Busy);
    }

    [Fact]
    public async Task One_pass_walks_past_the_tasks_that_cannot_start_and_starts_those_behind_them_in_order()
    {
        var engine0 = new ScriptedEngine();
        var engine1 = new ScriptedEngine();
        var pool = Pool("p", replicas: 2, slots: 2);
        pool.ReplicaStarting("p-r0", "0");
        pool.ReplicaStarting("p-r1", "1");
        pool.ReplicaReady("p-r0", engine0, new EngineFacts("v", 512, 2));
        var admission = Admission(pool);
        admission.Submit(Spec(Mask("0"), prompt: "busy 1"), "c");
        admission.Submit(Spec(Mask("0"), prompt: "busy 2"), "c");
        var running = new[] { await engine0.NextCallAsync(), await engine0.NextCallAsync() };

        // GPU 0 is full and GPU 1 not ready: everything queues, the tasks for GPU 0 at the head.
        foreach (var prompt in new[] { "gpu0 a", "gpu0 b", "gpu0 c" }) admission.Submit(Spec(Mask("0"), prompt: prompt), "c");
        foreach (var prompt in new[] { "any 1", "any 2", "any 3" }) admission.Submit(Spec(prompt: prompt), "c");
        Assert.Equal(6, pool.QueueDepth);

        // r1's two slots go to the first two tasks that may run there, in queue order, in the one pass its readiness runs.
        pool.ReplicaReady("p-r1", engine1, new EngineFacts("v", 512, 2));
        var started = new[] { (await engine1.NextCallAsync()).Request.Prompt, (await engine1.NextCallAsync()).Request.Prompt };
        Assert.Equal(["any 1", "any 2"], started.Order());
        Assert.Equal(4, pool.QueueDepth);

        // A slot freed on GPU 0 goes to the first task waiting for it.
        running[0].Finish(1);
        Assert.Equal("gpu0 a", (await engine0.NextCallAsync()).Request.Prompt);
        Assert.Equal(3, pool.QueueDepth);
    }

    [Fact]
    public async Task A_session_goes_back_to_its_last_replica_when_it_has_a_free_slot()
    {
        var engine0 = new ScriptedEngine();
        var engine1 = new ScriptedEngine();
        var pool = Pool("p", replicas: 2, slots: 2);
        pool.ReplicaReady("p-r0", engine0, new EngineFacts("v", 512, 2));
        pool.ReplicaReady("p-r1", engine1, new EngineFacts("v", 512, 2));
        var admission = Admission(pool);
        var session = Guid.NewGuid().ToString();

        admission.Submit(Spec(session: session, prompt: "turn 1"), "c");
        var first = await engine0.NextCallAsync();   // tie: r0 by id
        first.Finish(1);
        await WaitIdle(pool);
        admission.Submit(Spec(prompt: "other session"), "c");   // r0 and r1 idle: r0 by id
        await engine0.NextCallAsync();
        admission.Submit(Spec(session: session, prompt: "turn 2"), "c");

        // r1 is less busy, but the session's KV prefix is on r0, which still has a free slot.
        Assert.Equal("turn 2", (await engine0.NextCallAsync()).Request.Prompt);
    }

    /// <summary>Until nothing is queued or running in the pool, signalled by the pool itself, within a bound.</summary>
    private static Task WaitIdle(PoolRuntime pool) => pool.WaitEmptyAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

    private long Count(string outcome, bool pinned, bool fallback = false) =>
        _context.Counters.Snapshot().Where(c => c.Outcome == outcome && c.Pinned == pinned && c.Fallback == fallback).Sum(c => c.Count);

    private (AdmissionService Admission, PoolRuntime A, PoolRuntime B) TwoPools((string, string)? devices = null)
    {
        var a = Pool("a");
        var b = Pool("b");
        if (devices is var (da, db))
        {
            a.ReplicaStarting("a-r0", da);
            b.ReplicaStarting("b-r0", db);
        }
        a.ReplicaReady("a-r0", new ScriptedEngine(), new EngineFacts("v", 512, 4));
        b.ReplicaReady("b-r0", new ScriptedEngine(), new EngineFacts("v", 512, 4));
        return (Admission(a, b), a, b);
    }

    /// <summary>A ready pool of one slot whose queue holds one task and refuses the next (reject).</summary>
    private PoolRuntime OneSlotQueueOfOne(string id)
    {
        var pool = new PoolRuntime(
            new PoolConfig { Id = id, Model = "m", Slots = 1, Ctx = 512, QueueCapacity = 1, QueuePolicy = FullPolicy.Reject },
            new TaskRunner(_time, TimeSpan.FromHours(1), NullLogger<TaskRunner>.Instance), _time, _context);
        pool.ReplicaReady($"{id}-r0", new ScriptedEngine(), new EngineFacts("v", 512, 1));
        return pool;
    }

    private PoolRuntime Pool(string id, int replicas = 1, int slots = 4) => new(
        new PoolConfig { Id = id, Model = "m", Replicas = replicas, Slots = slots, Ctx = 512 },
        new TaskRunner(_time, TimeSpan.FromHours(1), NullLogger<TaskRunner>.Instance), _time, _context);

    private AdmissionService Admission(params PoolRuntime[] pools)
    {
        var registry = new PoolRegistry(pools);
        return new AdmissionService(registry, _tasks, _time, new PoolPlacement(registry, _context));
    }

    private static PlacementSpec Pin(string pool) => new(PlacementMode.Pin, pool, [], [], null, true);

    private static PlacementSpec Mask(string devices) => new(PlacementMode.Auto, null, [], [], devices.Split(','), true);

    private static TaskSpec Spec(PlacementSpec? placement = null, string? session = null, string prompt = "x") => new()
    {
        TaskId = Guid.NewGuid().ToString(),
        SessionId = session ?? Guid.NewGuid().ToString(),
        Workload = Workload.Completion,
        ModelRef = "m",
        Engine = EngineKind.LlamaCpp,
        Ctx = 256,
        Priority = Priority.Interactive,
        Seed = 1,
        Determinism = Determinism.BestEffort,
        SamplerProfileVersion = "v1",
        Sampling = SamplingProfile.Known["v1"],
        Prompt = prompt,
        MaxTokens = 8,
        DeadlineMs = 0,
        Placement = placement,
    };

    private sealed class FakeDevices : IDeviceAvailability
    {
        public Dictionary<string, long> Available { get; } = [];

        /// <summary>How often placement asked: once per pass, whatever the number of replicas compared.</summary>
        public int Snapshots { get; private set; }

        public IReadOnlyDictionary<string, long> Snapshot()
        {
            Snapshots++;
            return new Dictionary<string, long>(Available);
        }
    }
}
