using System.Diagnostics;
using System.Net;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Processes;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// How fast orchestratord says no. A pool of one slot at one token a second with a queue of 8 is filled,
/// then many clients post valid tasks as fast as they can; each answer must be 429 with Retry-After. The bare
/// baseline is flooded the same way at its <c>/full/v1/tasks</c>, whose first answer is already a 429. The flood runs
/// unmeasured until the JIT of the processes <paramref name="cpu"/> measures has settled (<see cref="JitWarmup"/>), then
/// for <paramref name="duration"/> measured.
/// </summary>
internal sealed class QueueFullScenario(HttpClient http, Uri tasks, CpuMeter cpu, string apiToken, RequestBodies bodies, int clients, TimeSpan duration)
{
    /// <summary>The fill must end in a 429 within this many posts, or the pool is not the one configured.</summary>
    private const int MaxFillPosts = 1000;

    private readonly Uri _tasks = tasks;
    private readonly string _authorization = "Bearer " + apiToken;

    public async Task<FloodResult> RunAsync(CancellationToken cancellationToken)
    {
        await FillAsync(cancellationToken);
        var warmup = await JitWarmup.RunAsync(length => FloodAsync(MeasureWindow.After(TimeSpan.Zero, length), cancellationToken), cpu.Pids());

        cpu.Start();
        var workers = await FloodAsync(MeasureWindow.After(TimeSpan.Zero, duration), cancellationToken);
        var shares = cpu.Stop();

        var latencies = workers.SelectMany(w => w.LatencyMs).Order().ToList();
        var others = new Dictionary<int, int>();
        foreach (var (status, count) in workers.SelectMany(w => w.Other))
            others[status] = others.GetValueOrDefault(status) + count;
        return new FloodResult(
            clients,
            duration.TotalSeconds,
            workers.Sum(w => w.Rejected),
            workers.Sum(w => w.MissingRetryAfter),
            workers.Select(w => w.RetryAfterSample).FirstOrDefault(s => s is not null),
            workers.Sum(w => w.Accepted),
            others,
            workers.Sum(w => w.Errors),
            workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null),
            Percentiles.Of(latencies, 50),
            Percentiles.Of(latencies, 99),
            shares,
            warmup);
    }

    /// <summary>Every client posts until <paramref name="window"/> is over; returns what each counted inside it.</summary>
    private async Task<FloodWorker[]> FloodAsync(MeasureWindow window, CancellationToken cancellationToken)
    {
        var workers = Enumerable.Range(0, clients).Select(_ => new FloodWorker(window)).ToArray();
        await Task.WhenAll(workers.Select(worker => Task.Run(() => PostUntilOverAsync(worker, cancellationToken))));
        return workers;
    }

    /// <summary>Posts until the first 429: the running task plus a full queue.</summary>
    private async Task FillAsync(CancellationToken cancellationToken)
    {
        for (var posted = 0; posted < MaxFillPosts; posted++)
        {
            using var response = await PostAsync(cancellationToken);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) return;
            if (response.StatusCode != HttpStatusCode.Accepted)
                throw new BenchSetupException($"queue-full scenario: filling the queue answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
        throw new BenchSetupException($"queue-full scenario: {MaxFillPosts} posts were all admitted; the queue never filled");
    }

    private async Task PostUntilOverAsync(FloodWorker worker, CancellationToken cancellationToken)
    {
        while (!worker.Window.IsOver && !cancellationToken.IsCancellationRequested)
        {
            var sent = Stopwatch.GetTimestamp();
            try
            {
                using var response = await PostAsync(cancellationToken);
                worker.Record(sent, Stopwatch.GetTimestamp(), response);
            }
            catch (Exception error) when (error is HttpRequestException or IOException)
            {
                worker.Error($"{error.GetType().Name}: {error.Message}");
                await Task.Delay(10, CancellationToken.None);
            }
        }
    }

    private async Task<HttpResponseMessage> PostAsync(CancellationToken cancellationToken)
    {
        var taskId = Guid.NewGuid().ToString();
        using var request = new HttpRequestMessage(HttpMethod.Post, _tasks) { Content = bodies.Task(taskId, taskId, seed: null) };
        request.Headers.TryAddWithoutValidation("Authorization", _authorization);
        // The default completion option reads the small envelope in full, as a client that logs it would.
        return await http.SendAsync(request, cancellationToken);
    }
}
