using System.Net;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Processes;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// Reads orchestratord's memory in parts, each against a reading taken just before it, so that none carries
/// another's cost: N tasks queued in one session, as an agent queues its work (in a pool of one slot whose engine
/// runs at one token a second, then cancelled, so that the streaming runs that follow see an empty queue); the
/// same N queued with a session each, whose difference is what a session costs; L live streams (tasks running on
/// slow slots, each read by a client that has seen its first token; then cancelled); and R finished tasks retained
/// after their streams were read to the end (their frames are what a retained task keeps). VmRSS is read at every
/// step; with a <see cref="HeapProbe"/>, the live managed heap too, which tells kilobytes apart where RSS cannot.
/// Before the idle reading a few tasks go through admission and one heap dump is thrown away: the first of either
/// leaves things for good (JIT'd paths' caches, the diagnostics EventSource's metadata, ~250 B per task of 1,000 in
/// all) that are no task's cost.
/// </summary>
internal sealed class MemoryScenario(
    HttpClient http, OrchestratorProcess orchestrator, string apiToken, RequestBodies holdBodies, string holdPoolId, int queued,
    RequestBodies liveBodies, int live, RequestBodies retainedBodies, int retained, HeapProbe? heap)
{
    private const int Concurrency = 16;

    /// <summary>Tasks admitted and cancelled before the idle reading, so that first-use costs are in it.</summary>
    private const int WarmupTasks = 32;

    /// <summary>Lets the runtime finish start-up work (tiering, first GCs) so that "idle" means idle.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public async Task<MemoryResult> RunAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken);
        // The first warm-up task takes the pool's only slot and keeps it, so that every task after it queues.
        var holder = NewIds(1);
        await SubmitAsync(holdBodies, holder[0], holder[0], cancellationToken);
        var warmup = NewIds(Math.Min(WarmupTasks, queued));
        await ForEachAsync(warmup, (id, token) => SubmitAsync(holdBodies, id, id, token), cancellationToken);
        await ForEachAsync(warmup, CancelAsync, cancellationToken);
        if (heap is not null) await heap.LiveBytesAsync(orchestrator.Pid, cancellationToken);
        await Task.Delay(Settle, cancellationToken);
        var idleThreads = ProcStats.Threads(orchestrator.Pid) ?? 0;
        var idle = await ReadAsync(cancellationToken);

        var session = Guid.NewGuid().ToString();
        var (withQueue, depth) = await QueueAsync(id => session, cancellationToken);
        var beforeOwn = await ReadAsync(cancellationToken);
        var (withOwn, _) = await QueueAsync(id => id, cancellationToken);

        var (beforeLive, withLive) = await LiveStreamsAsync(cancellationToken);
        var (beforeRetained, withRetained, frames) = await RetainedAsync(cancellationToken);
        await CancelAsync(holder[0], cancellationToken);
        return new MemoryResult(idle.Rss, idleThreads, withQueue.Rss, depth)
        {
            IdleHeap = idle.Heap,
            QueuedHeap = withQueue.Heap,
            BeforeOwnSessions = beforeOwn,
            WithOwnSessions = withOwn,
            LiveStreams = live,
            BeforeLive = beforeLive,
            WithLive = withLive,
            RetainedTasks = retained,
            RetainedFrames = frames,
            BeforeRetained = beforeRetained,
            WithRetained = withRetained,
        };
    }

    /// <summary>N tasks queued behind the holder, each in the session <paramref name="sessionOf"/> gives it; read, then cancelled.</summary>
    private async Task<(MemoryReading With, int Depth)> QueueAsync(Func<string, string> sessionOf, CancellationToken cancellationToken)
    {
        var ids = NewIds(queued);
        await ForEachAsync(ids, (id, token) => SubmitAsync(holdBodies, id, sessionOf(id), token), cancellationToken);
        var depth = await orchestrator.QueueDepthAsync(http, holdPoolId, cancellationToken);
        // Long enough for the pool's queue-progress pass (every 500 ms) to have given each task its first metrics frame.
        await Task.Delay(TimeSpan.FromMilliseconds(1000), cancellationToken);
        var with = await ReadAsync(cancellationToken);
        await ForEachAsync(ids, CancelAsync, cancellationToken);
        return (with, depth);
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
                await SubmitAsync(liveBodies, id, id, token);
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
            await SubmitAsync(retainedBodies, id, id, token);
            using var response = await OpenStreamAsync(id, token);
            var body = await response.Content.ReadAsByteArrayAsync(token);
            Interlocked.Add(ref frames, Occurrences(body, "event: "u8));
        }, cancellationToken);
        return (before, await ReadAsync(cancellationToken), frames);
    }

    private async Task<MemoryReading> ReadAsync(CancellationToken cancellationToken) =>
        new(ProcStats.ResidentBytes(orchestrator.Pid) ?? 0, heap is null ? null : await heap.LiveBytesAsync(orchestrator.Pid, cancellationToken));

    private async Task SubmitAsync(RequestBodies bodies, string taskId, string sessionId, CancellationToken cancellationToken)
    {
        using var request = Authorized(HttpMethod.Post, "v1/tasks");
        request.Content = bodies.Task(taskId, sessionId, seed: null);
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
