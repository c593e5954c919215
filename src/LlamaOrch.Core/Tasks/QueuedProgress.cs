using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// What a queued task's <c>metrics</c> frame says, as its log keeps it: 48 bytes, where the contract's
/// <see cref="MetricsFrame"/> (a record of fourteen fields, most of them nullable and all empty while a task waits)
/// takes 192. A long queue holds one or more of these per task for as long as the tasks wait. The frame is made from
/// it when a door encodes the event or an in-process reader copies it, so every reader sees the same frame as before.
/// </summary>
internal sealed class QueuedProgress(int queueDepth, int queuePosition, long predictedStartMs, double? onTimeProbability, long? deadlineRemainingMs)
{
    // NaN and −1 stand for "none" (a probability is never NaN, a remaining time never negative): two nullable fields would add 16 bytes.
    private readonly double _onTimeProbability = onTimeProbability ?? double.NaN;
    private readonly long _deadlineRemainingMs = deadlineRemainingMs ?? -1;

    public int QueueDepth { get; } = queueDepth;

    public int QueuePosition { get; } = queuePosition;

    public long PredictedStartMs { get; } = predictedStartMs;

    public double? OnTimeProbability => double.IsNaN(_onTimeProbability) ? null : _onTimeProbability;

    public long? DeadlineRemainingMs => _deadlineRemainingMs < 0 ? null : _deadlineRemainingMs;

    /// <summary>The contract's frame: nothing ran yet (no tokens, no decode time).</summary>
    public MetricsFrame ToFrame() =>
        new(QueueDepth, TokensOut: 0, DecodeMs: 0, OnTimeProbability, DeadlineRemainingMs, QueuePosition: QueuePosition, PredictedStartMs: PredictedStartMs);
}
