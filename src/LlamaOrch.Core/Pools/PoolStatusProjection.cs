namespace LlamaOrch.Core.Pools;

/// <summary>Read-only views of a pool for status endpoints and health checks, built under the pool's lock.</summary>
internal static class PoolStatusProjection
{
    public static PoolStatus Pool(PoolConfig config, ReplicaSet replicas, int queued, PoolLifecycleState state)
    {
        var serving = replicas.OfRole(ReplicaRole.Serving);
        int dispatchable = 0, busy = 0;
        var live = false;
        Engines.EngineFacts? firstFacts = null;
        foreach (var replica in serving)
        {
            if (replica.Dispatchable) dispatchable++;
            if (replica.Ready) busy += replica.Busy;
            live |= replica.Ready || replica.Starting;
            firstFacts ??= replica.Facts;
        }
        return new PoolStatus(
            config.Id,
            config.Model,
            // Ready means it takes tasks now: a draining or stopped pool admits none, whatever its replicas.
            dispatchable > 0 && !state.Closed,
            dispatchable,
            serving.Count,
            queued,
            busy,
            replicas.ReadySlots,
            state.StoppedReason ?? state.LastError,
            firstFacts?.EngineVersion,
            live,
            replicas.CtxMax(config.Ctx),
            state.Closed,
            state.Reloading);
    }

    public static List<ReplicaStatus> Replicas(string poolId, ReplicaSet replicas)
    {
        var views = new List<ReplicaStatus>();
        foreach (var r in replicas)
        {
            views.Add(new ReplicaStatus(
                r.Id, poolId, r.Model, r.Role, r.State, r.Device, r.Slots, r.FreeSlots, r.Busy, r.Facts?.EngineVersion,
                r.Speed.TokensPerSecond, r.Speed.TimeToFirstTokenMs, r.Speed.Completed, r.Unresponsive ?? r.DownReason));
        }
        return views;
    }
}
