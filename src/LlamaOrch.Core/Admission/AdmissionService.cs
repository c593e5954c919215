using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// Step 2 of the way of a task: check the model against the catalog (retired, untrusted), find the pools
/// that serve it, let placement pick one, and queue the task there.
/// </summary>
public sealed class AdmissionService(PoolRegistry pools, TaskStore tasks, TimeProvider time, PoolPlacement placement, ModelCatalog? catalog = null)
{
    public AdmissionOutcome Submit(TaskSpec spec, string correlationId)
    {
        if (catalog?.AdmissionCheck(spec.ModelRef) is { } untrusted) return Refuse(untrusted);

        var serving = pools.Serving(NamesOf(spec.ModelRef), spec.Engine);
        if (serving.Count == 0) return Refuse(NoPoolFor(spec));

        var choice = placement.Choose(spec, serving);
        if (choice.Pool is not { } chosen) return Refuse(choice.Rejection!);

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

    /// <summary>The names a pool may give the model by: the ref itself, and its catalog id and source.</summary>
    private IReadOnlyList<string> NamesOf(string modelRef) =>
        catalog?.Find(modelRef) is { } entry
            ? new[] { modelRef, entry.Id, entry.SourceUrl }.OfType<string>().Distinct(StringComparer.Ordinal).ToList()
            : [modelRef];

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
