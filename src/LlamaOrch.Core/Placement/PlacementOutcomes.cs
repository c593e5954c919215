namespace LlamaOrch.Core.Placement;

/// <summary>The <c>outcome</c> label of <see cref="PlacementCounters"/>.</summary>
internal static class PlacementOutcomes
{
    /// <summary>Admission chose a pool and queued the task there.</summary>
    public const string Queued = "queued";

    /// <summary>Admission chose a pool, whose queue then refused the task (full, or the deadline out of reach).</summary>
    public const string Refused = "refused";

    /// <summary>Admission found no pool the task may run on.</summary>
    public const string Infeasible = "infeasible";

    /// <summary>The pool's dispatcher chose a replica and started the task.</summary>
    public const string Dispatched = "dispatched";
}
