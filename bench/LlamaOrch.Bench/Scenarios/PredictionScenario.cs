using System.Diagnostics;
using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// How far <c>predicted_start_ms</c> is from the actual start under steady load. For each target queue depth d,
/// slots + d clients each run one task after another (a closed loop), which holds about d tasks in the queue.
/// After a warm-up long enough for the queue to fill and turn over once, the tasks submitted in the window are
/// sampled; the window's stragglers are read to their end but only the window's submissions count.
/// </summary>
internal sealed class PredictionScenario(BenchOptions options, PredictionClient client, int slots)
{
    public async Task<List<PredictionResult>> RunAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var results = new List<PredictionResult>();
        var serviceSeconds = (double)options.MaxTokens / options.TokensPerSecond;
        foreach (var depth in options.PredictDepths!)
        {
            // The queue fills at once and turns over in about (d / slots + 1) service times.
            var warmup = TimeSpan.FromSeconds(options.WarmupSeconds + (depth / (double)slots + 1) * serviceSeconds);
            progress($"prediction: target depth {depth}, {slots + depth} clients, {warmup.TotalSeconds:0.#} s warm-up + {options.DurationSeconds:0.#} s");
            results.Add(await RunDepthAsync(depth, warmup, TimeSpan.FromSeconds(options.DurationSeconds), cancellationToken));
        }
        return results;
    }

    private async Task<PredictionResult> RunDepthAsync(int depth, TimeSpan warmup, TimeSpan window, CancellationToken cancellationToken)
    {
        var clients = slots + depth;
        var began = Stopwatch.GetTimestamp();
        var samples = new List<PredictionSample>();
        var errors = 0;
        string? firstError = null;
        async Task WorkerAsync(int worker)
        {
            while (true)
            {
                var elapsed = Stopwatch.GetElapsedTime(began);
                if (elapsed >= warmup + window) return;
                var (sample, error) = await client.RunOneAsync(worker, cancellationToken);
                if (elapsed < warmup) continue;
                lock (samples)
                {
                    if (sample is { } measured) samples.Add(measured);
                    else if (errors++ == 0) firstError = error;
                }
            }
        }
        await Task.WhenAll(Enumerable.Range(0, clients).Select(worker => Task.Run(() => WorkerAsync(worker), cancellationToken)));
        return new PredictionResult(depth, clients, samples, errors, firstError);
    }
}
