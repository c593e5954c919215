namespace LlamaOrch.Core.Budgets;

/// <summary>What session budgets do (Orchestrator:Budgets:Mode).</summary>
public enum BudgetMode
{
    /// <summary>No budget is kept, checked or reported: admission does nothing more than one branch.</summary>
    Off,

    /// <summary>Charges are kept and reported, and going over is logged once per session; nothing is refused.</summary>
    Advisory,

    /// <summary>A task that cannot fit what is left is refused before it is queued; a run that reaches its share is stopped.</summary>
    Enforce,
}
