namespace LlamaOrch.Contracts.Tasks;

/// <summary>The 202 answer to an admitted task.</summary>
/// <param name="QueuePosition">0-based within the task's priority at the moment of admission.</param>
/// <param name="PredictedStartMs">Milliseconds until the task is expected to start; null while the pool has no observed service times and the task must wait.</param>
/// <param name="BackoffMs">How long a client should pause before submitting more work to this pool; 0 while the queue has room.</param>
/// <param name="TaskId">Exactly as submitted, or the uuid the server made when the request had none.</param>
/// <param name="Seed">The seed the task runs with (derived from task_id when the request had none).</param>
/// <param name="SessionId">The task's session: the request's, or a new uuid when it had none.</param>
public sealed record AdmissionResponse(
    string TaskId,
    int QueuePosition,
    long? PredictedStartMs,
    long BackoffMs,
    long Seed,
    string PoolId,
    string SessionId);
