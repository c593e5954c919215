using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// Strict determinism on an engine that batches every running sequence together (llama-server, vLLM, TGI): the
/// numbers a sequence computes there depend on the others in its batch, so a strict task runs on its replica alone.
/// It goes only to such a replica with no task on it, and none is dispatched there until it ends. While it waits, the
/// replica it will get is held for it (the least busy one it may use), so that best-effort tasks behind it in the
/// queue do not keep that replica busy for ever; tasks ahead of it keep their turn. Holds are set afresh by every
/// dispatch pass, so a strict task that leaves the queue (cancelled, expired) holds nothing after the next pass.
/// A replica whose engine keeps strict sequences apart itself (llorch-engine) is used as for any task.
/// Used only under the pool's lock, by <see cref="PoolDispatcher"/>.
/// </summary>
internal static class StrictAlone
{
    /// <summary>A pass starts: the holds of the last one are let go.</summary>
    public static void BeginPass(ReplicaSet replicas)
    {
        foreach (var replica in replicas) replica.HeldFor = null;
    }

    /// <summary>Whether <paramref name="task"/> may go to <paramref name="replica"/>, which has a free slot, now.</summary>
    public static bool Allows(ReplicaRuntime replica, OrchestratedTask task)
    {
        if (replica.HeldFor is { } holder && holder != task) return false;
        return !Needs(replica, task) || replica.Busy == 0;
    }

    /// <summary>Whether <paramref name="task"/> must run alone on <paramref name="replica"/>.</summary>
    public static bool Needs(ReplicaRuntime replica, OrchestratedTask task) =>
        task.Spec.Determinism == Determinism.Strict && replica.StrictNeedsAlone;

    /// <summary>
    /// A strict task found no replica it could start on: holds the least busy one of those it must have alone (and
    /// that no other strict task holds), so that it empties. Does nothing for other tasks, or when it holds one already.
    /// </summary>
    public static void Hold(ReplicaSet replicas, OrchestratedTask task)
    {
        if (task.Spec.Determinism != Determinism.Strict) return;
        ReplicaRuntime? least = null;
        foreach (var replica in replicas)
        {
            if (replica.HeldFor == task) return;
            if (!replica.Dispatchable || !replica.StrictNeedsAlone || replica.HeldFor is not null) continue;
            if (!(task.Spec.Placement?.Allows(replica.Device) ?? true)) continue;
            if (least is null || replica.Busy < least.Busy) least = replica;
        }
        if (least is not null) least.HeldFor = task;
    }

    /// <summary><paramref name="task"/> was dispatched to <paramref name="replica"/>: it runs there alone if it must, and holds nothing else.</summary>
    public static void Dispatched(ReplicaSet replicas, ReplicaRuntime replica, OrchestratedTask task)
    {
        if (Needs(replica, task)) replica.Alone = task;
        foreach (var other in replicas)
            if (other.HeldFor == task) other.HeldFor = null;
    }

    /// <summary><paramref name="task"/> gave its slot on <paramref name="replica"/> back.</summary>
    public static void Released(ReplicaRuntime replica, OrchestratedTask task)
    {
        if (replica.Alone == task) replica.Alone = null;
    }
}
