namespace LlamaOrch.Bench.Load;

/// <summary>One task of the prediction run: the start the 202 predicted, and the time it actually waited (the <c>started</c> frame's <c>queued_ms</c>).</summary>
internal readonly record struct PredictionSample(long PredictedStartMs, long QueuedMs, int AdmittedPosition)
{
    public double AbsoluteErrorMs => Math.Abs(PredictedStartMs - QueuedMs);

    /// <summary>The error relative to the actual start; a start under 1 ms counts as 1 ms, so "now" against "now" is no error.</summary>
    public double RelativeError => AbsoluteErrorMs / Math.Max(QueuedMs, 1);
}
