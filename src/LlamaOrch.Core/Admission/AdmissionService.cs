using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// Step 2 of the way of a task: find the pools that serve the model, check the task against the pool's
/// limits, and queue it in the least-loaded ready one.
/// </summary>
public sealed class AdmissionService(PoolRegistry pools, TaskStore tasks, TimeProvider time)
{
    public AdmissionOutcome Submit(TaskSpec spec, string correlationId)
    {
        var serving = pools.Serving(spec.ModelRef, spec.Engine);
        if (serving.Count == 0) return Refuse(NoPoolFor(spec));

        var capable = serving.Where(p => p.Config.Workloads.Contains(spec.Workload)).ToList();
        if (capable.Count == 0)
        {
            var supported = string.Join(", ", serving.SelectMany(p => p.Config.Workloads).Distinct().Select(WireNames.Of));
            return Refuse(Rejection.InvalidParams("workload", $"'{WireNames.Of(spec.Workload)}' is not served for model '{spec.ModelRef}' (supported: {supported})"));
        }

        var fitting = capable.Where(p => spec.Ctx <= p.CtxMax).ToList();
        if (fitting.Count == 0)
        {
            var largest = capable.Max(p => p.CtxMax);
            return Refuse(Rejection.InvalidParams("ctx", $"{spec.Ctx} exceeds the largest context a pool serving '{spec.ModelRef}' supports ({largest})"));
        }

        var open = fitting.Where(p => !p.IsDraining).ToList();
        if (open.Count == 0)
            return Refuse(new Rejection(ErrorCodes.PoolUnavailable,
                $"every pool serving '{spec.ModelRef}' is draining: {string.Join(", ", fitting.Select(p => p.Id))}", Retriable: false));

        var ready = open.Where(p => p.IsReady).ToList();
        if (ready.Count == 0)
        {
            return Refuse(open[0].UnreadyRejection());
        }

        // A pool with queue room beats a full one; then the shortest queue per slot.
        var chosen = ready
            .OrderBy(p => p.HasRoom ? 0 : 1)
            .ThenBy(p => (double)p.QueueDepth / Math.Max(p.Config.Slots * p.Config.Replicas, 1))
            .First();
        var task = new OrchestratedTask(spec, correlationId, chosen, time);
        if (!tasks.TryAdd(task))
            return Refuse(Rejection.InvalidParams("task_id", $"task {spec.TaskId} already exists; stream or cancel it, or submit with a new task_id"));

        var admitted = chosen.Admit(task);
        if (admitted.Rejection is not null)
        {
            // A refused task leaves no trace, so the client can retry with the same task_id.
            tasks.Remove(task);
            return Refuse(admitted.Rejection);
        }
        return new AdmissionOutcome(task, admitted.BackoffMs, null);
    }

    private Rejection NoPoolFor(TaskSpec spec)
    {
        var offered = pools.All.Select(p => $"{p.Id} ({WireNames.Of(p.Config.Engine)}: {p.Config.Model})");
        return new Rejection(
            ErrorCodes.PoolUnavailable,
            $"no pool serves model '{spec.ModelRef}' with engine {WireNames.Of(spec.Engine)}; configured pools: {string.Join(", ", offered)}",
            Retriable: false);
    }

    private static AdmissionOutcome Refuse(Rejection rejection) => new(null, 0, rejection);
}
