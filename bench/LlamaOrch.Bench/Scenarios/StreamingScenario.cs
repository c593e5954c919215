using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Processes;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// For each concurrency, the same closed-loop load first straight to a llorch-engine and then through
/// orchestratord to an identical engine (same model ref, slots, context, max_tokens and seeds).
/// Alternating per level keeps both paths under the same machine conditions.
/// </summary>
internal sealed class StreamingScenario(BenchOptions options, IStreamTarget direct, IStreamTarget orch, CpuMeter directCpu, CpuMeter orchCpu, int orchPid)
{
    public async Task<IReadOnlyList<StreamingResult>> RunAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var warmStreams = Math.Min(16, options.Slots);
        foreach (var target in new[] { direct, orch })
        {
            // Until the tiered JIT of all three processes has settled the hot paths, before anything counts.
            var warm = await JitWarmup.StreamsAsync(target, warmStreams, options.MaxTokens, target == direct ? directCpu : orchCpu, cancellationToken);
            progress($"warm-up: {target.Name}, {warmStreams} streams, {warm}");
        }

        var warmup = TimeSpan.FromSeconds(options.WarmupSeconds);
        var duration = TimeSpan.FromSeconds(options.DurationSeconds);
        var results = new List<StreamingResult>();
        foreach (var streams in options.Levels)
        {
            progress($"{streams} streams: direct");
            var directResult = await LevelRunner.RunAsync(direct, streams, options.MaxTokens, warmup, duration, directCpu, null, cancellationToken);
            progress($"{streams} streams: orch");
            var orchResult = await LevelRunner.RunAsync(orch, streams, options.MaxTokens, warmup, duration, orchCpu, orchPid, cancellationToken);
            results.Add(new StreamingResult(directResult, orchResult));
        }
        return results;
    }
}
