using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// Tasks whose numbers must not depend on other work, on an engine that decodes the sequences it runs together
/// (<see cref="ReplicaRuntime.BatchesTogether"/>: llama-server, vLLM, TGI). There a sequence's numbers depend on the
/// others in its batch (issue 18: 0 of 10 strict streams identical beside three other streams; an embedding's cosine
/// 0.8 with itself beside other texts). Such a task is <em>isolated</em>: a strict completion, an embedding, a rerank. It
/// starts only on a replica running no other task of its workload (llama-server batches only requests of one kind
/// together), and none of that workload is dispatched there until it ends; tasks of other workloads still may be.
/// While it waits, the replica it will get (the one with the fewest tasks of its workload) is held for it against
/// later tasks of that workload, so that they do not keep the replica busy for ever; tasks ahead of it in the queue
/// keep their turn. Holds are taken afresh by every dispatch pass, so a task that leaves the queue (cancelled,
/// expired) holds nothing after the next one. A replica whose engine keeps such work apart itself (llorch-engine) is
/// used as for any task. Used only under the pool's lock, by <see cref="PoolDispatcher"/>.
/// </summary>
internal sealed class BatchIsolation(ReplicaSet replicas)
{
    /// <summary>The replicas held in this pass, each for a task of one workload (a few at most: a list, not a map).</summary>
    private readonly List<(ReplicaRuntime Replica, OrchestratedTask Task)> _holds = [];

    /// <summary>A pass starts: the holds of the last one are let go.</summary>
    public void BeginPass() => _holds.Clear();

    /// <summary>Whether <paramref name="task"/> must run with no other task of its workload on <paramref name="replica"/>.</summary>
    public static bool Isolated(ReplicaRuntime replica, OrchestratedTask task) =>
        replica.BatchesTogether && (task.Spec.Workload != Workload.Completion || task.Spec.Determinism == Determinism.Strict);

    /// <summary>Whether <paramref name="task"/> may go to <paramref name="replica"/>, which has a free slot, now.</summary>
    public bool Allows(ReplicaRuntime replica, OrchestratedTask task)
    {
        if (!replica.BatchesTogether) return true;
        foreach (var (held, holder) in _holds)
            if (held == replica && holder != task && holder.Spec.Workload == task.Spec.Workload) return false;
        var isolated = Isolated(replica, task);
        foreach (var running in replica.Running)
        {
            if (running.Spec.Workload != task.Spec.Workload) continue;
            if (isolated || Isolated(replica, running)) return false;
        }
        return true;
    }

    /// <summary>
    /// An isolated task found no replica it could start on: holds, of those it may use, the one running the fewest
    /// tasks of its workload that no other task of that workload holds, so that it empties. Does nothing for other
    /// tasks, or when the task holds one already.
    /// </summary>
    public void Hold(OrchestratedTask task)
    {
        ReplicaRuntime? least = null;
        var leastCount = int.MaxValue;
        foreach (var replica in replicas)
        {
            if (!replica.Dispatchable || !Isolated(replica, task) || !(task.Spec.Placement?.Allows(replica.Device) ?? true)) continue;
            var taken = false;
            foreach (var (held, holder) in _holds)
            {
                if (holder == task) return;
                if (held == replica && holder.Spec.Workload == task.Spec.Workload) taken = true;
            }
            if (taken) continue;
            var count = 0;
            foreach (var running in replica.Running)
                if (running.Spec.Workload == task.Spec.Workload) count++;
            if (count >= leastCount) continue;
            least = replica;
            leastCount = count;
        }
        if (least is not null) _holds.Add((least, task));
    }

    /// <summary><paramref name="task"/> was dispatched: whatever it held is free for others again.</summary>
    public void Dispatched(OrchestratedTask task) => _holds.RemoveAll(h => h.Task == task);
}
