using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Client;

/// <summary>The outcome of submitting a task, retries included.</summary>
/// <param name="TaskId">The task's id: the caller's, or the one the client made once for this submission.</param>
/// <param name="Admission">
/// The 202 body; null only when an answer was lost on the way and a retry with the same <c>task_id</c> found the task
/// already admitted (<paramref name="RecoveredAfterLostAnswer"/>).
/// </param>
/// <param name="Attempts">How many times it was sent (1 when the first try was admitted).</param>
/// <param name="BackpressureRetries">How many of the tries were answered 429 (queue full) and retried.</param>
/// <param name="RecoveredAfterLostAnswer">The first answer was lost and the retry found the task admitted: one task, not two.</param>
public sealed record TaskSubmission(
    string TaskId, AdmissionResponse? Admission, int Attempts, int BackpressureRetries, bool RecoveredAfterLostAnswer)
{
    /// <summary>The task's stream path, <c>/v1/tasks/{id}/stream</c>.</summary>
    public string StreamPath => $"/v1/tasks/{Uri.EscapeDataString(TaskId)}/stream";
}
