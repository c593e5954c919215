using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>The live state of one replica; mutated only under its pool's lock.</summary>
internal sealed class ReplicaRuntime(string id, string model, int slots, ReplicaRole role, UpstreamConfig? upstream = null)
{
    public string Id { get; } = id;

    /// <summary>The model ref this replica's engine serves (a reload starts replicas with a new one).</summary>
    public string Model { get; } = model;

    /// <summary>Its engine's slots: as configured, or for an upstream as the server reports them once ready.</summary>
    public int Slots { get; private set; } = slots;

    /// <summary>The engine we do not start that this replica stands for; null for one orchestratord runs.</summary>
    public UpstreamConfig? Upstream { get; } = upstream;

    public ReplicaRole Role { get; set; } = role;

    public bool Ready { get; set; }

    /// <summary>An engine process is being started for it (between a start and ready or down).</summary>
    public bool Starting { get; set; }

    /// <summary>When its engine process was started, while it is starting; for the remaining-load estimate.</summary>
    public long? StartingSince { get; set; }

    /// <summary>Why the engine is not serving, while it is down.</summary>
    public string? DownReason { get; set; }

    /// <summary>
    /// Down for a reason a restart will not fix by itself (its model is missing, no device fits it, a crash
    /// loop): the supervisor keeps trying, but tasks are not queued for it until it is ready again.
    /// </summary>
    public bool CannotStart { get; set; }

    /// <summary>Where its engine runs: "cpu" or a GPU index; null until it is placed.</summary>
    public string? Device { get; set; }

    /// <summary>
    /// Set while its engine runs but missed its last health check: no task is dispatched to it until it answers
    /// again, or the supervisor declares it hung (see <see cref="PoolRuntime.ReplicaHung"/>).
    /// </summary>
    public string? Unresponsive { get; set; }

    /// <summary>The tasks dispatched to it that have not given their slot back yet.</summary>
    public HashSet<OrchestratedTask> Running { get; } = [];

    public int Busy => Running.Count;

    /// <summary>Its engine decodes the sequences it runs together, with no way to keep one apart (<see cref="EngineFacts.BatchesSequencesTogether"/>).</summary>
    public bool BatchesTogether => Facts?.BatchesSequencesTogether ?? false;

    /// <summary>Its engine's slots: which is busy, and whose prompt each one's KV cache holds.</summary>
    public ReplicaSlots SlotTable { get; private set; } = new(slots);

    public IEngineClient? Client { get; set; }

    public EngineFacts? Facts { get; set; }

    public ReplicaSpeed Speed { get; } = new();

    /// <summary>Set once the engine is ready or has gone down for the first time: what a reload waits for.</summary>
    public TaskCompletionSource<string?> FirstOutcome { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Takes new tasks: serving, with its engine ready and answering its health checks.</summary>
    public bool Dispatchable => Role == ReplicaRole.Serving && Ready && Unresponsive is null;

    public int FreeSlots => Dispatchable ? Math.Max(Slots - Busy, 0) : 0;

    /// <summary>Free VRAM on its device in a pass's device snapshot; null on the CPU or before it is placed.</summary>
    public long? AvailableBytes(IReadOnlyDictionary<string, long> devices) =>
        Device is { } device && devices.TryGetValue(device, out var bytes) ? bytes : null;

    /// <summary>Serving but taking no task (down, loading, unresponsive): while one is, the pool's last error stays visible.</summary>
    public bool HoldsPoolError => Role == ReplicaRole.Serving && !Dispatchable;

    public void MarkStarting(string device, long timestamp)
    {
        Starting = true;
        StartingSince = timestamp;
        Device = device;
    }

    public void MarkReady(IEngineClient client, EngineFacts facts)
    {
        StartingSince = null;
        CannotStart = false;
        Starting = false;
        Client = client;
        Facts = facts;
        // An upstream says how many slots it has once it answers; with no task on it the table can take that size.
        if (Upstream is not null && facts.TotalSlots > 0 && facts.TotalSlots != Slots && Busy == 0)
        {
            Slots = facts.TotalSlots;
            SlotTable = new ReplicaSlots(Slots);
        }
        // A ready engine is a new process (or, for an upstream, one we cannot see into): its caches start empty.
        SlotTable.ForgetAll();
        Ready = true;
        Unresponsive = null;
        DownReason = null;
        FirstOutcome.TrySetResult(null);
    }

    public void MarkDown(string reason, bool cannotStart)
    {
        Ready = false;
        Starting = false;
        StartingSince = null;
        CannotStart = cannotStart;
        Unresponsive = null;
        DownReason = reason;
        FirstOutcome.TrySetResult(reason);
    }

    /// <summary>Declared hung: down from now on; its engine is about to be killed and restarted.</summary>
    public void MarkHung(string reason)
    {
        Ready = false;
        Unresponsive = null;
        DownReason = reason;
    }

    /// <summary>How status and logs name its state.</summary>
    public string State => this switch
    {
        { Role: ReplicaRole.Outgoing } => "stopping",
        { Ready: true, Unresponsive: not null } => "unresponsive",
        { Ready: true, Role: ReplicaRole.Incoming } => "ready_incoming",
        { Ready: true } => "ready",
        { Starting: true } => "starting",
        { DownReason: not null } => "down",
        _ => "pending",
    };

    /// <summary>
    /// Serving but not taking tasks yet: loading, waiting for its model or device, restarting after an exit, or
    /// unresponsive (it answers again, or is restarted once declared hung).
    /// </summary>
    public bool CanComeUp => Role == ReplicaRole.Serving && !CannotStart && (!Ready || Unresponsive is not null);
}
