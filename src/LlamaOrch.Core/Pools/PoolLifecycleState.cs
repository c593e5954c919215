using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// Where a pool stands apart from its replicas: draining (with the deadline after which what is left is
/// ended), stopped (its model taken out of service), reloading, and the last error a serving replica
/// reported. Not thread-safe: its pool's lock guards it.
/// </summary>
internal sealed class PoolLifecycleState(string poolId)
{
    /// <summary>The timestamp after which a draining pool ends what it still holds; null while not draining.</summary>
    public long? DrainDeadline { get; private set; }

    public string? StoppedReason { get; private set; }

    public bool Reloading { get; private set; }

    /// <summary>Why no reload may begin any more (orchestratord is shutting down); null while reloads are allowed.</summary>
    public Rejection? ReloadsRefused { get; private set; }

    /// <summary>Completes with a reason once the running reload is called off; a new one with each reload.</summary>
    public Task<string?> ReloadCalledOff => _reloadCalledOff.Task;

    private TaskCompletionSource<string?> _reloadCalledOff = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string? LastError { get; set; }

    public bool Draining => DrainDeadline is not null;

    /// <summary>Admits nothing: draining or stopped.</summary>
    public bool Closed => DrainDeadline is not null || StoppedReason is not null;

    /// <summary>A second drain may only bring the deadline closer.</summary>
    public void Drain(long deadline) => DrainDeadline = DrainDeadline is { } current ? Math.Min(current, deadline) : deadline;

    /// <summary>Ends a drain; false when the pool was not draining or is stopped.</summary>
    public bool Resume()
    {
        if (DrainDeadline is null || StoppedReason is not null) return false;
        DrainDeadline = null;
        return true;
    }

    public bool TryBeginReload()
    {
        if (Reloading) return false;
        Reloading = true;
        _reloadCalledOff = new(TaskCreationOptions.RunContinuationsAsynchronously);
        return true;
    }

    public void EndReload() => Reloading = false;

    /// <summary>Refuses every later reload with <paramref name="refusal"/> and calls off the one running, if any.</summary>
    public void RefuseReloads(Rejection refusal)
    {
        ReloadsRefused ??= refusal;
        if (Reloading) _reloadCalledOff.TrySetResult(refusal.Message);
    }

    public void Stop(string reason) => StoppedReason = reason;

    /// <summary>Serving again (a restart, or a reload's new model): no drain, no stop, and after a reload no old error.</summary>
    public void Reopen(bool clearError)
    {
        StoppedReason = null;
        DrainDeadline = null;
        if (clearError) LastError = null;
    }

    public Rejection DrainingRejection() => new(
        ErrorCodes.PoolUnavailable, $"pool '{poolId}' is draining: it admits no task until it is resumed", Retriable: false);

    /// <summary>The 503 for a pool with no replica that is ready or coming up, naming the pool and its last error.</summary>
    public Rejection UnreadyRejection() => StoppedReason is { } stopped
        ? new Rejection(ErrorCodes.PoolUnavailable, $"pool '{poolId}' is stopped: {stopped}", Retriable: false)
        : new Rejection(
            ErrorCodes.PoolUnready,
            $"pool '{poolId}' has no ready replica: {LastError ?? "its replicas are starting"}",
            Retriable: true,
            RetryAfterMs: PoolQueue.UnknownDrainBackoffMs);
}
