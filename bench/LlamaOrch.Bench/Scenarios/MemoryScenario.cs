using System.Net;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Processes;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// Reads orchestratord's memory in three parts, each against a reading taken just before it, so that none carries
/// another's cost: N tasks queued (in a pool of one slot whose engine runs at one token a second, then cancelled,
/// so that the streaming runs that follow see an empty queue); L live streams (tasks running on slow slots, each
/// read by a client that has seen its first token; then cancelled); and R finished tasks retained after their
/// streams were read to the end (their frames are what a retained task keeps). VmRSS is read at every step; with a
/// <see cref="HeapProbe"/>, the live managed heap too, which tells kilobytes apart where RSS cannot.
/// </summary>
internal sealed class MemoryScenario(
    HttpClient http, OrchestratorProcess orchestrator, string apiToken, RequestBodies holdBodies, string holdPoolId, int queued,
    RequestBodies liveBodies, int live, RequestBodies retainedBodies, int retained, HeapProbe? heap)
{
    private const int Concurrency = 16;

    /// <summary>Lets the runtime finish start-up work (tiering, first GCs) so that "idle" means idle.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public async Task<MemoryResult> RunAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken);
        var idleThreads = ProcStats.Threads(orchestrator.Pid) ?? 0;
        var idle = await ReadAsync(cancellationToken);

        // One more than the reading needs: the first task takes the pool's only slot and leaves the queue.
        var ids = NewIds(queued + 1);
        await ForEachAsync(ids, (id, token) => SubmitAsync(holdBodies, id, token), cancellationToken);
        var depth = await orchestrator.QueueDepthAsync(http, holdPoolId, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        var withQueue = await ReadAsync(cancellationToken);
        await ForEachAsync(ids, CancelAsync, cancellationToken);

        var (beforeLive, withLive) = await LiveStreamsAsync(cancellationToken);
        var (beforeRetained, withRetained, frames) = await RetainedAsync(cancellationToken);
        return new MemoryResult(idle.Rss, idleThreads, withQueue.Rss, depth)
        {
            IdleHeap = idle.Heap,
            QueuedHeap = withQueue.Heap,
            LiveStreams = live,
            BeforeLive = beforeLive,
            WithLive = withLive,
            RetainedTasks = retained,
            RetainedFrames = frames,
            BeforeRetained = beforeRetained,
            WithRetained = withRetained,
        };
    }

    /// <summary>L streams held open, each past its first token, on a pool with a slot for every one: then cancelled and closed.</summary>
    private async Task<(MemoryReading Before, MemoryReading With)> LiveStreamsAsync(CancellationToken cancellationToken)
    {
        var before = await ReadAsync(cancellationToken);
        var ids = NewIds(live);
        var open = new List<HttpResponseMessage>();
        try
        {
            await ForEachAsync(ids, async (id, token) =>
            {
                await SubmitAsync(liveBodies, id, token);
                var response = await OpenStreamAsync(id, token);
                lock (open) open.Add(response);
                await ReadUntilAsync(await response.Content.ReadAsStreamAsync(token), "event: token"u8.ToArray(), token);
            }, cancellationToken);
            var with = await ReadAsync(cancellationToken);
            await ForEachAsync(ids, CancelAsync, cancellationToken);
            return (before, with);
        }
        finally
        {
            foreach (var response in open) response.Dispose();
        }
    }

    /// <summary>R tasks run to their end, each stream read in full; the tasks stay retained (Tasks:RetentionSeconds).</summary>
    private async Task<(MemoryReading Before, MemoryReading With, long Frames)> RetainedAsync(CancellationToken cancellationToken)
    {
        var before = await ReadAsync(cancellationToken);
        long frames = 0;
        await ForEachAsync(NewIds(retained), async (id, token) =>
        {
            await SubmitAsync(retainedBodies, id, token);
            using var response = await OpenStreamAsync(id, token);
            var body = await response.Content.ReadAsByteArrayAsync(token);
            Interlocked.Add(ref frames, Occurrences(body, "event: "u8));
        }, cancellationToken);
        return (before, await ReadAsync(cancellationToken), frames);
    }

    private async Task<MemoryReading> ReadAsync(CancellationToken cancellationToken) =>
        new(ProcStats.ResidentBytes(orchestrator.Pid) ?? 0, heap is null ? null : await heap.LiveBytesAsync(orchestrator.Pid, cancellationToken));

    private async Task SubmitAsync(RequestBodies bodies, string taskId, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Post, "v1/tasks");
        request.Content = bodies.Task(taskId, taskId, seed: null);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new BenchSetupException($"memory scenario: queuing a task answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    private async Task<HttpResponseMessage> OpenStreamAsync(string taskId, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Get, $"v1/tasks/{taskId}/stream");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode == HttpStatusCode.OK) return response;
        response.Dispose();
        throw new BenchSetupException($"memory scenario: the stream of {taskId} answered {(int)response.StatusCode}");
    }

    private async Task CancelAsync(string taskId, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Post, $"v1/tasks/{taskId}/cancel");
        using var response = await http.SendAsync(request, cancellationToken);
    }

    private HttpRequestMessage Authorized(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(orchestrator.BaseAddress, path));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + apiToken);
        return request;
    }

    /// <summary>Reads until <paramref name="marker"/> has come (it may straddle two reads).</summary>
    private static async Task ReadUntilAsync(Stream body, byte[] marker, CancellationToken cancellationToken)
    {
        var seen = new List<byte>();
        var buffer = new byte[4096];
        while (true)
        {
            var read = await body.ReadAsync(buffer, cancellationToken);
            if (read == 0) throw new BenchSetupException("memory scenario: a live stream ended before its first token");
            seen.AddRange(buffer.AsSpan(0, read));
            if (Occurrences(seen.ToArray(), marker) > 0) return;
        }
    }

    private static int Occurrences(ReadOnlySpan<byte> text, ReadOnlySpan<byte> marker)
    {
        var count = 0;
        for (var at = text.IndexOf(marker); at >= 0; at = text.IndexOf(marker))
        {
            count++;
            text = text[(at + marker.Length)..];
        }
        return count;
    }

    private static List<string> NewIds(int count) => Enumerable.Range(0, count).Select(_ => Guid.NewGuid().ToString()).ToList();

    private static Task ForEachAsync(IReadOnlyList<string> ids, Func<string, CancellationToken, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (id, token) => await action(id, token));
}
