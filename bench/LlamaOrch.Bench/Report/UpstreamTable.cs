using System.Globalization;
using LlamaOrch.Bench.Scenarios;

namespace LlamaOrch.Bench.Report;

/// <summary>The upstream run's results: time to first token through an upstream replica against the upstream alone, per protocol.</summary>
internal static class UpstreamTable
{
    public static void Print(TextWriter output, BenchOptions options, string protocol, string upstream, IReadOnlyList<StreamingResult> results)
    {
        output.WriteLine();
        output.WriteLine($"Upstream replica, protocol {protocol}: {options.StreamModel}, max_tokens {options.MaxTokens}, {options.Slots} slots; " +
                         $"direct = {upstream} alone, orch = POST /v1/tasks (one request, stream in the answer) to an orchestratord whose pool's only replica is that upstream");
        output.WriteLine($"{"streams",7} {"path",-6} {"tasks/s",8} {"TTFT p50",9} {"TTFT p99",9} {"tok/s",9} {"errors",6}");
        foreach (var level in results)
        {
            foreach (var path in new[] { level.Direct, level.Orch })
                output.WriteLine($"{path.Streams,7} {path.Path,-6} {Format.Rate(path.TasksPerSecond),8} {Format.Ms(path.TtftP50Ms),9} {Format.Ms(path.TtftP99Ms),9} {Format.Rate(path.TokensPerSecond),9} {path.Errors,6}");
            output.WriteLine($"{"",7} added TTFT {Format.SignedMs(level.AddedTtftP50Ms)} p50, {Format.SignedMs(level.AddedTtftP99Ms)} p99; " +
                             $"relayed {level.RelayRatio.ToString("0.00", CultureInfo.InvariantCulture)}x the upstream-alone tok/s");
        }
        foreach (var level in results.SelectMany(l => new[] { l.Direct, l.Orch }).Where(l => l.Errors > 0 || l.WrongTokenCounts > 0))
            output.WriteLine($"  note: {level.Streams} streams {level.Path}: {level.Errors} errors, {level.WrongTokenCounts} streams with a token count other than max_tokens; first error: {level.FirstError}");
    }
}
