using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Core.Placement;

/// <summary>
/// Admission-time placement: which pool serving the model gets the task. The request's overrides come
/// first (pin, avoid, prefer, device mask; a pin never falls back), then feasibility (workload, context,
/// not draining, ready), then the one ranking of places (<see cref="PlacementRanking"/>): session affinity,
/// room, least load, most free VRAM, fastest replica, and id.
/// </summary>
internal sealed class PoolPlacement(PoolRegistry pools, PlacementContext context)
{
    public PoolChoice Choose(TaskSpec spec, IReadOnlyList<PoolRuntime> serving)
    {
        var placement = spec.Placement;
        var pinned = placement?.Mode == PlacementMode.Pin;
        var choice = pinned ? Pinned(spec, serving, placement!.PinPoolId!) : Ranked(spec, serving);
        if (choice.Pool is null) context.Counters.Count(PlacementOutcomes.Infeasible, pinned, choice.Fallback);
        if (context.Logger.IsEnabled(LogLevel.Debug))
        {
            context.Logger.LogDebug("Placement: task {TaskId} for {ModelRef}: {Outcome}; rules {Rules}; candidates: {Candidates}",
                spec.TaskId, spec.ModelRef, choice.Pool is { } p ? $"pool {p.Id}" : choice.Rejection!.Message, choice.Rules,
                string.Join(", ", serving.Select(s => s.Id)));
        }
        return choice;
    }

    /// <summary>Counts what became of a chosen pool's task: queued there, or refused by its queue.</summary>
    public void CountAdmission(TaskSpec spec, PoolChoice choice, bool queued) =>
        context.Counters.Count(queued ? PlacementOutcomes.Queued : PlacementOutcomes.Refused, spec.Placement?.Mode == PlacementMode.Pin, choice.Fallback);

    private PoolChoice Pinned(TaskSpec spec, IReadOnlyList<PoolRuntime> serving, string poolId)
    {
        const string rules = "pin";
        PoolRuntime? pool = null;
        for (var index = 0; index < serving.Count && pool is null; index++)
            if (serving[index].Id == poolId) pool = serving[index];
        if (pool is null)
        {
            var problem = pools.Find(poolId) is { } other
                ? $"pool '{poolId}' serves '{other.Config.Model}', not '{spec.ModelRef}'"
                : $"no pool '{poolId}' (pools: {string.Join(", ", pools.All.Select(p => p.Id))})";
            return PoolChoice.Refused(Rejection.InvalidParams("placement.pin_pool_id", problem), rules);
        }
        if (!Feasible(spec, pool, out var queueFull) && Infeasible(spec, [pool]) is { } refusal) return PoolChoice.Refused(refusal, rules);
        return new PoolChoice(pool, null, rules, Fallback: false) { QueueFull = queueFull };
    }

    /// <summary>Looks again when a pool changed between the feasibility look and the refusal's (at most this many looks).</summary>
    private const int Looks = 3;

    private PoolChoice Ranked(TaskSpec spec, IReadOnlyList<PoolRuntime> serving, int look = 1)
    {
        // One pass without allocating: most admissions weigh a single pool, and a full queue's 429 passes here too.
        PoolRuntime? first = null;
        Rejection? firstQueueFull = null;
        List<PoolRuntime>? feasible = null;
        List<Rejection?>? queuesFull = null;
        for (var index = 0; index < serving.Count; index++)
        {
            var pool = serving[index];
            if (!Feasible(spec, pool, out var queueFull)) continue;
            if (first is null) (first, firstQueueFull) = (pool, queueFull);
            else
            {
                (feasible ??= [first]).Add(pool);
                (queuesFull ??= [firstQueueFull]).Add(queueFull);
            }
        }
        if (first is null)
        {
            if (Infeasible(spec, serving) is { } refusal) return PoolChoice.Refused(refusal, "feasibility");
            // None could take the task a moment ago and one can now (a resume, a reload's commit, a replica back): look again.
            return look < Looks ? Ranked(spec, serving, look + 1) : PoolChoice.Refused(new Rejection(ErrorCodes.PoolUnready,
                $"the pools serving '{spec.ModelRef}' kept changing while the task was placed; retry", Retriable: true,
                RetryAfterMs: PoolQueue.UnknownDrainBackoffMs), "feasibility");
        }
        var overridden = spec.Placement is { AvoidPools.Count: > 0 } or { Mode: PlacementMode.Prefer, PreferPools.Count: > 0 };
        // One feasible pool and no override: the ranking has nothing to order, so the pools' loads are not read.
        if (feasible is null && !overridden) return new PoolChoice(first, null, PlacementRanking.Rules, Fallback: false) { QueueFull = firstQueueFull };

        feasible ??= [first];
        var choice = Ordered(spec, feasible);
        // The chosen pool's full queue as its own feasibility look found it.
        return choice.Pool is not { } chosen ? choice
            : choice with { QueueFull = queuesFull is null ? firstQueueFull : queuesFull[feasible.IndexOf(chosen)] };
    }

    /// <summary>
    /// The request's avoid and prefer lists, then the ranking, among the feasible pools (several, or one under an
    /// override). Apart from <see cref="Ranked"/> so that the single-pool way never allocates the closure its lambdas need.
    /// </summary>
    private PoolChoice Ordered(TaskSpec spec, List<PoolRuntime> feasible)
    {
        var placement = spec.Placement;
        var rules = new List<string>();
        var fallback = false;
        if (placement is { AvoidPools.Count: > 0 })
        {
            rules.Add("avoid");
            var kept = feasible.Where(p => !placement.AvoidPools.Contains(p.Id)).ToList();
            if (kept.Count > 0) feasible = kept;
            else if (placement.AllowFallback) fallback = true;
            else return PoolChoice.Refused(new Rejection(ErrorCodes.PoolUnavailable,
                $"every feasible pool for '{spec.ModelRef}' is in placement.avoid_pools ({string.Join(", ", feasible.Select(p => p.Id))}) and allow_fallback is false",
                Retriable: false), string.Join(" > ", rules));
        }
        if (placement is { Mode: PlacementMode.Prefer, PreferPools.Count: > 0 })
        {
            rules.Add("prefer");
            var preferred = feasible.Where(p => placement.PreferPools.Contains(p.Id)).ToList();
            if (preferred.Count > 0) feasible = preferred;
            else if (placement.AllowFallback) fallback = true;
            else return PoolChoice.Refused(new Rejection(ErrorCodes.PoolUnavailable,
                $"no pool in placement.prefer_pools ({string.Join(", ", placement.PreferPools)}) can take the task and allow_fallback is false; feasible: {string.Join(", ", feasible.Select(p => p.Id))}",
                Retriable: true), string.Join(" > ", rules));
        }

        rules.Add(PlacementRanking.Rules);
        if (feasible.Count == 1) return new PoolChoice(feasible[0], null, string.Join(" > ", rules), fallback);
        var affine = context.Sessions.ReplicaOf(spec.SessionId);
        var chosen = feasible[0];
        var best = chosen.LoadFor(placement, affine).Candidate;
        for (var i = 1; i < feasible.Count; i++)
        {
            var candidate = feasible[i].LoadFor(placement, affine).Candidate;
            if (PlacementRanking.Compare(candidate, best) >= 0) continue;
            chosen = feasible[i];
            best = candidate;
        }
        return new PoolChoice(chosen, null, string.Join(" > ", rules), fallback);
    }

    /// <summary>
    /// Whether <see cref="Infeasible"/> would let <paramref name="pool"/> alone through: the same stages in the same
    /// order, without the lists and messages that only a refusal needs. <paramref name="queueFull"/> is the pool's
    /// full-queue refusal from the same look (<see cref="PoolRuntime.LookForAdmission"/>).
    /// </summary>
    private static bool Feasible(TaskSpec spec, PoolRuntime pool, out Rejection? queueFull)
    {
        queueFull = null;
        if (!pool.Config.Workloads.Contains(spec.Workload)) return false;
        var look = pool.LookForAdmission(spec.Ctx ?? spec.MaxTokens ?? 0);
        if (!look.CanAdmit) return false;
        queueFull = look.QueueFull;
        return spec.Placement?.RequiredDevices is null || pool.LoadFor(spec.Placement, null).OnAllowedDevice;
    }

    /// <summary>
    /// Why none of <paramref name="candidates"/> can take the task, naming the first stage that rules them all
    /// out (workload, context, draining, readiness, device mask); null when one of them can.
    /// </summary>
    private static Rejection? Infeasible(TaskSpec spec, IReadOnlyList<PoolRuntime> candidates)
    {
        var capable = candidates.Where(p => p.Config.Workloads.Contains(spec.Workload)).ToList();
        if (capable.Count == 0)
        {
            var supported = string.Join(", ", candidates.SelectMany(p => p.Config.Workloads).Distinct().Select(WireNames.Of));
            return Rejection.InvalidParams("workload", $"'{WireNames.Of(spec.Workload)}' is not served for model '{spec.ModelRef}' (supported: {supported})");
        }

        // A task without ctx takes the pool's context, which must still hold its max_tokens (ctx holds them when given).
        var needed = spec.Ctx ?? spec.MaxTokens ?? 0;
        var fitting = capable.Where(p => needed <= p.CtxMax).ToList();
        if (fitting.Count == 0)
            return Rejection.InvalidParams(spec.Ctx is null ? "max_tokens" : "ctx",
                $"{needed} exceeds the largest context a pool serving '{spec.ModelRef}' supports ({capable.Max(p => p.CtxMax)})");

        var open = fitting.Where(p => !p.IsDraining && !p.IsStopped).ToList();
        if (open.Count == 0)
        {
            var stopped = fitting.FirstOrDefault(p => p.IsStopped);
            return stopped is not null
                ? stopped.UnreadyRejection()
                : new Rejection(ErrorCodes.PoolUnavailable, $"every pool serving '{spec.ModelRef}' is draining: {string.Join(", ", fitting.Select(p => p.Id))}", Retriable: false);
        }

        var ready = open.Where(p => p.CanTakeTasks).ToList();
        if (ready.Count == 0) return open[0].UnreadyRejection();

        if (spec.Placement?.RequiredDevices is { } devices && !ready.Any(p => p.LoadFor(spec.Placement, null).OnAllowedDevice))
        {
            var where = string.Join(", ", ready.SelectMany(p => p.Replicas()).Where(r => r.State == "ready").Select(r => $"{r.Id} on {r.Device ?? "?"}"));
            return Rejection.InvalidParams("placement.require_device_mask",
                $"no ready replica serving '{spec.ModelRef}' runs on {string.Join(",", devices)} (replicas: {where})");
        }
        return null;
    }
}

/// <summary>The pool a task goes to, or why none; <see cref="Rules"/> names the rules that decided.</summary>
internal sealed record PoolChoice(PoolRuntime? Pool, Rejection? Rejection, string Rules, bool Fallback)
{
    /// <summary>The chosen pool's full-queue refusal as placement's look found it (<see cref="PoolRuntime.LookForAdmission"/>); null when it had room.</summary>
    public Rejection? QueueFull { get; init; }

    public static PoolChoice Refused(Rejection rejection, string rules) => new(null, rejection, rules, Fallback: false);
}
