using System.Net;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Processes;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// Reads orchestratord's resident memory when idle and with N tasks queued. The tasks wait in a pool of
/// one slot whose engine runs at one token a second, so they stay queued while the reading is taken;
/// then they are cancelled, so that the streaming runs that follow see an empty queue.
/// </summary>
internal sealed class MemoryScenario(HttpClient http, OrchestratorProcess orchestrator, string apiToken, RequestBodies holdBodies, string holdPoolId, int queued)
{
    private const int Concurrency = 16;

    /// <summary>Lets the runtime finish start-up work (tiering, first GCs) so that "idle" means idle.</summary>
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(1);

    public async Task<MemoryResult> RunAsync(CancellationToken cancellationToken)
    {
        await Task.Delay(Settle, cancellationToken);
        var idle = ProcStats.ResidentBytes(orchestrator.Pid) ?? 0;
        var idleThreads = ProcStats.Threads(orchestrator.Pid) ?? 0;

        // One more than the reading needs: the first task takes the pool's only slot and leaves the queue.
        var ids = Enumerable.Range(0, queued + 1).Select(_ => Guid.NewGuid().ToString()).ToList();
        await ForEachAsync(ids, SubmitAsync, cancellationToken);
        var depth = await orchestrator.QueueDepthAsync(http, holdPoolId, cancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
        var withQueue = ProcStats.ResidentBytes(orchestrator.Pid) ?? 0;

        await ForEachAsync(ids, CancelAsync, cancellationToken);
        return new MemoryResult(idle, idleThreads, withQueue, depth);
    }

    private async Task SubmitAsync(string taskId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(orchestrator.BaseAddress, "v1/tasks"))
        {
            Content = holdBodies.Task(taskId, taskId, seed: null),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + apiToken);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new BenchSetupException($"memory scenario: queuing a task answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    private async Task CancelAsync(string taskId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(orchestrator.BaseAddress, $"v1/tasks/{taskId}/cancel"));
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + apiToken);
        using var response = await http.SendAsync(request, cancellationToken);
    }

    private static Task ForEachAsync(IReadOnlyList<string> ids, Func<string, CancellationToken, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken },
            async (id, token) => await action(id, token));
}
