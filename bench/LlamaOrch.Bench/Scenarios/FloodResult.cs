using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>What many clients saw posting to a pool whose queue stayed full.</summary>
internal sealed record FloodResult(
    int Clients,
    double Seconds,
    int Rejected,
    int MissingRetryAfter,
    string? RetryAfterSample,
    int Accepted,
    IReadOnlyDictionary<int, int> OtherStatuses,
    int Errors,
    string? FirstError,
    double LatencyP50Ms,
    double LatencyP99Ms,
    IReadOnlyList<(string Name, double Percent)> Cpu,
    JitWarmupResult Warmup)
{
    public double RejectedPerSecond => Rejected / Seconds;
}
