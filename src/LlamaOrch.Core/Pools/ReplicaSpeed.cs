namespace LlamaOrch.Core.Pools;

/// <summary>
/// Moving averages of what a replica delivers (decode tokens per second, time to first token), for
/// placement's "faster replica" rule and for <c>/v1/replicasets</c>. Mutated under the pool's lock.
/// </summary>
internal sealed class ReplicaSpeed
{
    /// <summary>Weight of the newest observation: recent enough to follow load, smooth enough not to flap.</summary>
    private const double Alpha = 0.2;

    public double? TokensPerSecond { get; private set; }

    public double? TimeToFirstTokenMs { get; private set; }

    public long Completed { get; private set; }

    public void Observe(TaskOutcome outcome)
    {
        Completed++;
        if (outcome.TimeToFirstTokenMs is { } ttft) TimeToFirstTokenMs = Blend(TimeToFirstTokenMs, ttft);
        if (outcome.TokensOut > 1 && outcome.DecodeMs > 0)
            TokensPerSecond = Blend(TokensPerSecond, outcome.TokensOut * 1000.0 / outcome.DecodeMs);
    }

    private static double Blend(double? mean, double sample) => mean is { } m ? m + Alpha * (sample - m) : sample;
}
