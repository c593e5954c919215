namespace LlamaOrch.Core.Scheduling;

/// <summary>What a full queue does with a new task (contract-notes.md, "Decision — full policy semantics").</summary>
public enum FullPolicy
{
    /// <summary>Refuse the newcomer: 429 ADMISSION_REJECT.</summary>
    Reject,

    /// <summary>Evict the oldest queued task whose priority is not higher than the newcomer's, batch first.</summary>
    DropLru,
}
