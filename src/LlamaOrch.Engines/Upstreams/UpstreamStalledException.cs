namespace LlamaOrch.Engines.Upstreams;

/// <summary>An upstream sent nothing for its stall timeout (<c>Pools:N:Upstreams:M:StallTimeoutSeconds</c>).</summary>
internal sealed class UpstreamStalledException(TimeSpan timeout, Exception? inner = null)
    : IOException(Describe(timeout), inner)
{
    public TimeSpan Timeout { get; } = timeout;

    public static string Describe(TimeSpan timeout) => $"stalled: sent no byte for {timeout.TotalSeconds:0.###} s (StallTimeoutSeconds)";
}
