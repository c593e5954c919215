using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Tasks;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// Joins a pool's queued tasks to its free slots. A pass picks, under the pool's lock, as many queued tasks
/// as there are free slots, each for the best replica it may use by <see cref="PlacementRanking"/>; a task
/// restricted to devices with no free slot, or held for its session's busy slot (<see cref="AffinityWait"/>),
/// waits without holding back the tasks behind it; a strict or embedding task on an engine that batches sequences
/// together waits for a replica with no other task of its workload (<see cref="BatchIsolation"/>). The runs are started afterwards, outside the lock. Slots come
/// back through <see cref="Release"/>.
/// Not thread-safe except where a member says so: its pool's lock guards it.
/// </summary>
internal sealed class PoolDispatcher(PoolRuntime pool, PoolQueue queue, ReplicaSet replicas, TaskRunner runner, PlacementContext placement,
    AffinityWait affinity)
{
    private readonly HashSet<OrchestratedTask> _running = [];
    private readonly BatchIsolation _isolation = new(replicas);
    private long _dispatchSeq;

    /// <summary>The tasks holding a slot in the pool.</summary>
    public IReadOnlyCollection<OrchestratedTask> Running => _running;

    /// <summary>Takes the queued tasks that can start now, with their replicas; null when none can.</summary>
    /// <param name="devices">Free VRAM per device, one snapshot for the whole pass (taken outside the lock).</param>
    /// <remarks>
    /// One walk down the queue, O(queued looked at + dispatched), never back to its head: a task passed over cannot
    /// start later in the same pass, because within a pass slots only fill and sessions only become busier. (Starting
    /// from the head for every free slot cost O(held tasks) per dispatch when tasks at the head were held.)
    /// </remarks>
    public List<Dispatch>? Take(IReadOnlyDictionary<string, long> devices)
    {
        List<Dispatch>? dispatches = null;
        affinity.BeginPass();
        _isolation.BeginPass();
        var free = replicas.FreeSlots;
        for (var node = queue.First; node is not null && free > 0;)
        {
            var next = queue.Next(node);
            var task = node.Value;
            if (!affinity.Holds(task, replicas) && BestReplica(task, devices) is { } chosen)
            {
                queue.Take(node);
                chosen.Running.Add(task);
                _isolation.Dispatched(task);
                task.EngineSlot = chosen.SlotTable.Take(task);
                _running.Add(task);
                (dispatches ??= []).Add(new Dispatch(task, chosen.Id, chosen.Client!, ++_dispatchSeq));
                free--;
            }
            node = next;
        }
        affinity.EndPass();
        return dispatches;
    }

    /// <summary>Starts the runs of a pass; called outside the pool's lock.</summary>
    public void Start(List<Dispatch> dispatches)
    {
        foreach (var dispatch in dispatches)
        {
            var spec = dispatch.Task.Spec;
            placement.Sessions.Dispatched(dispatch.Task, dispatch.ReplicaId);
            placement.Counters.Count(PlacementOutcomes.Dispatched, spec.Placement?.Mode == PlacementMode.Pin, fallback: false);
            runner.Start(dispatch.Task, pool, dispatch.ReplicaId, dispatch.Client, dispatch.Seq);
        }
    }

    /// <summary>A run gave its slot back: its replica's speed and the pool's service time learn from it; a requeued task queues again.</summary>
    public void Release(OrchestratedTask task, string replicaId, TaskOutcome outcome)
    {
        _running.Remove(task);
        if (replicas.Find(replicaId) is { } replica)
        {
            replica.Running.Remove(task);
            if (task.EngineSlot.Slot >= 0) replica.SlotTable.Release(task.EngineSlot.Slot);
            if (outcome.Completed) replica.Speed.Observe(outcome);
        }
        if (outcome.Completed) queue.ObserveService(outcome.ServiceTime);
        if (task.TakeReturning()) queue.RequeueAtHead(task);
    }

    private ReplicaRuntime? BestReplica(OrchestratedTask task, IReadOnlyDictionary<string, long> devices)
    {
        var affine = placement.Sessions.ReplicaOf(task.Spec.SessionId);
        ReplicaRuntime? best = null;
        PlacementCandidate bestCandidate = default;
        foreach (var replica in replicas)
        {
            if (replica.FreeSlots == 0 || !(task.Spec.Placement?.Allows(replica.Device) ?? true) || !_isolation.Allows(replica, task)) continue;
            var candidate = CandidateOf(replica, affine, devices);
            if (best is not null && PlacementRanking.Compare(candidate, bestCandidate) >= 0) continue;
            best = replica;
            bestCandidate = candidate;
        }
        if (best is null) _isolation.Hold(task);
        else if (placement.Logger.IsEnabled(LogLevel.Debug)) LogDispatch(task, best, affine);
        return best;
    }

    /// <summary>A replica with a free slot, as the ranking weighs it.</summary>
    private static PlacementCandidate CandidateOf(ReplicaRuntime replica, string? affine, IReadOnlyDictionary<string, long> devices) =>
        new(replica.Id, replica.Id == affine, HasRoom: true, replica.Busy, replica.AvailableBytes(devices), replica.Speed.TokensPerSecond);

    private void LogDispatch(OrchestratedTask task, ReplicaRuntime chosen, string? affine)
    {
        var candidates = new List<string>();
        foreach (var r in replicas)
        {
            if (!r.Dispatchable) continue;
            candidates.Add($"{r.Id} on {r.Device ?? "?"}: busy {r.Busy}/{r.Slots}" +
                (task.Spec.Placement?.Allows(r.Device) == false ? ", excluded by require_device_mask" : string.Empty) +
                (r.Id == affine ? ", session affinity" : string.Empty));
        }
        placement.Logger.LogDebug(
            "Placement: task {TaskId} dispatched to {ReplicaId} in pool {PoolId}; rules {Rules}; candidates: {Candidates}",
            task.Id, chosen.Id, pool.Id, PlacementRanking.Rules, string.Join("; ", candidates));
    }

    /// <summary>A task taken for a replica in one pass, with what its run needs.</summary>
    internal readonly record struct Dispatch(OrchestratedTask Task, string ReplicaId, IEngineClient Client, long Seq);
}
