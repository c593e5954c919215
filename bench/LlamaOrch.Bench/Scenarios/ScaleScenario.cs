using System.Diagnostics;
using LlamaOrch.Bench.Load;
using LlamaOrch.Bench.Processes;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// How admission and dispatch cost grow with replicas and queue depth. For each layout (replicas × slots, in one pool
/// or spread over several pools serving the same model) one orchestratord is started with real llorch-engine replicas
/// of a slow sim model. Every slot is first taken by a long task (a holder), so that what is submitted afterwards
/// queues. Then, at each queue depth in turn (batch tasks that never run, topped up between depths):
/// <list type="bullet">
/// <item>admission: a few clients submit batch tasks, each queued behind the whole depth; POST→202 latency and
/// orchestratord's CPU per admission; the tasks are then cancelled, which brings the queue back to its depth;</item>
/// <item>dispatch, one cycle at a time: an interactive task is submitted (it queues ahead of the batch depth) and its
/// stream opened, then a holder in its pool is cancelled; the freed slot goes to the new task by a dispatch pass.
/// Latency runs from sending the cancel to reading the new task's <c>started</c> frame; the CPU is the whole cycle's
/// (one admission, one stream, one cancel and its engine abort, the release, the dispatch pass, the start).</item>
/// </list>
/// </summary>
internal sealed class ScaleScenario(BenchOptions options, RepoLayout layout, ChildProcesses children, HttpClient http, string apiToken, string workDirectory)
{
    /// <summary>Clients submitting at once in the admission window: a few, so that the p50 is one admission's cost, not a queue's.</summary>
    private const int AdmissionClients = 4;

    /// <summary>Requests in flight while filling queues and cancelling: fast set-up without flooding a 2-core machine.</summary>
    private const int SetupParallelism = 16;

    /// <summary>Tokens of a holder: at the run's slow pace it outlives the run.</summary>
    private const int HolderTokens = 3000;

    /// <summary>Tokens of a queued task; it never runs, but the request must fit the context.</summary>
    private const int QueuedTokens = 16;

    private static readonly TimeSpan IdleWindow = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ReplicasTimeout = TimeSpan.FromMinutes(4);

    public async Task<List<ScaleResult>> RunAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var results = new List<ScaleResult>();
        foreach (var pools in options.ScalePools)
        {
            foreach (var replicas in options.ScaleReplicas!)
            {
                if (replicas % pools != 0)
                {
                    progress($"scale: {replicas} replicas do not spread evenly over {pools} pools; skipped");
                    continue;
                }
                results.AddRange(await RunLayoutAsync(replicas, pools, progress, cancellationToken));
            }
        }
        return results;
    }

    private async Task<List<ScaleResult>> RunLayoutAsync(int replicas, int pools, Action<string> progress, CancellationToken cancellationToken)
    {
        var slots = options.ScaleSlots;
        var depths = options.ScaleDepths.Order().ToList();
        var capacity = depths[^1] + options.ScaleAdmissions + 64;
        var model = options.ScaleModel;
        progress($"scale: {replicas} replicas x {slots} slots in {pools} pool(s) of {model}; starting");
        var specs = Enumerable.Range(0, pools).Select(i => new PoolSpec($"scale{i}", model, slots, capacity, replicas / pools)).ToList();
        var orchestrator = await OrchestratorProcess.StartAsync(children, layout, $"orchestratord-scale-{replicas}x{pools}", specs, apiToken, workDirectory, options, http, cancellationToken);
        try
        {
            await orchestrator.WaitAllReplicasAsync(http, ReplicasTimeout, cancellationToken);
            var client = new ScaleClient(http, orchestrator.BaseAddress, apiToken, new RequestBodies(model, QueuedTokens, options.CtxPerSlot));

            progress($"scale: {replicas * slots} holders take every slot");
            var holders = new Dictionary<string, Queue<string>>();
            foreach (var (taskId, poolId, _) in await SubmitManyAsync(client, replicas * slots, batch: false, HolderTokens, cancellationToken))
            {
                if (!holders.TryGetValue(poolId, out var queue)) holders[poolId] = queue = new Queue<string>();
                queue.Enqueue(taskId);
            }
            await WaitDepthAsync(orchestrator, 0, cancellationToken);

            // Unmeasured: the JIT's first tiers and the connection pool warm on the same paths as the measured windows.
            await MeasureAdmissionsAsync(orchestrator, client, options.ScaleAdmissions, 0, cancellationToken);
            await MeasureDispatchesAsync(orchestrator, client, holders, Math.Min(options.ScaleDispatches, 16), 0, cancellationToken);

            var results = new List<ScaleResult>();
            var queued = 0;
            foreach (var depth in depths)
            {
                if (depth > queued) await SubmitManyAsync(client, depth - queued, batch: true, QueuedTokens, cancellationToken);
                queued = Math.Max(queued, depth);
                await WaitDepthAsync(orchestrator, queued, cancellationToken);
                progress($"scale: {replicas}x{slots} in {pools} pool(s), depth {queued}: {options.ScaleAdmissions} admissions, {options.ScaleDispatches} dispatch cycles");
                var idle = await IdleCpuPercentAsync(orchestrator, cancellationToken);
                var (admissionMs, admissionCpu) = await MeasureAdmissionsAsync(orchestrator, client, options.ScaleAdmissions, idle, cancellationToken);
                await WaitDepthAsync(orchestrator, queued, cancellationToken);
                var (dispatchMs, cycleCpu) = await MeasureDispatchesAsync(orchestrator, client, holders, options.ScaleDispatches, idle, cancellationToken);
                var after = await orchestrator.TotalQueueDepthAsync(http, cancellationToken);
                var result = new ScaleResult(replicas, pools, slots, queued, admissionMs, admissionCpu, dispatchMs, cycleCpu, idle, after);
                results.Add(result);
                progress("scale: " + Report.ScaleTable.Row(result));
            }
            return results;
        }
        finally
        {
            orchestrator.Child.Kill();
        }
    }

    /// <summary>Admissions by a few clients at once, queued behind the depth, then cancelled again (unmeasured).</summary>
    private async Task<(List<double> Ms, double CpuMs)> MeasureAdmissionsAsync(
        OrchestratorProcess orchestrator, ScaleClient client, int count, double idlePercent, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(count);
        var ids = new List<string>(count);
        var next = 0;
        var cpuBefore = ProcStats.CpuTime(orchestrator.Pid);
        var began = Stopwatch.GetTimestamp();
        await Task.WhenAll(Enumerable.Range(0, AdmissionClients).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count)
            {
                var (taskId, _, ms) = await client.SubmitAsync(batch: true, QueuedTokens, cancellationToken);
                lock (latencies)
                {
                    latencies.Add(ms);
                    ids.Add(taskId);
                }
            }
        }, cancellationToken)));
        var cpuMs = CpuSince(orchestrator, cpuBefore, began, idlePercent) / count;
        await ForEachAsync(ids, client.CancelAsync, cancellationToken);
        latencies.Sort();
        return (latencies, cpuMs);
    }

    /// <summary>Dispatch cycles, one after another: an interactive task queues ahead of the depth, a holder of its pool is cancelled, the task starts.</summary>
    private async Task<(List<double> Ms, double CpuMs)> MeasureDispatchesAsync(
        OrchestratorProcess orchestrator, ScaleClient client, Dictionary<string, Queue<string>> holders, int cycles, double idlePercent,
        CancellationToken cancellationToken)
    {
        var latencies = new List<double>(cycles);
        var cpuBefore = ProcStats.CpuTime(orchestrator.Pid);
        var began = Stopwatch.GetTimestamp();
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var (taskId, poolId, _) = await client.SubmitAsync(batch: false, HolderTokens, cancellationToken);
            using var stream = await client.OpenStreamAsync(taskId, cancellationToken);
            var started = ScaleClient.WaitStartedAsync(stream, cancellationToken);
            var victim = holders[poolId].Dequeue();
            var sent = Stopwatch.GetTimestamp();
            await client.CancelAsync(victim, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(sent, await started).TotalMilliseconds);
            holders[poolId].Enqueue(taskId);
        }
        var cpuMs = CpuSince(orchestrator, cpuBefore, began, idlePercent) / cycles;
        latencies.Sort();
        return (latencies, cpuMs);
    }

    /// <summary>orchestratord's CPU over two quiet seconds, as a percent of one core: the floor the windows' CPU is measured above.</summary>
    private static async Task<double> IdleCpuPercentAsync(OrchestratorProcess orchestrator, CancellationToken cancellationToken)
    {
        // After the queue was filled, the thread pool's workers spin for a while before they sleep: not the idle floor.
        await Task.Delay(SettleTime, cancellationToken);
        var before = ProcStats.CpuTime(orchestrator.Pid);
        var began = Stopwatch.GetTimestamp();
        await Task.Delay(IdleWindow, cancellationToken);
        return (ProcStats.CpuTime(orchestrator.Pid) - before).TotalMilliseconds / Stopwatch.GetElapsedTime(began).TotalMilliseconds * 100;
    }

    /// <summary>Milliseconds of orchestratord CPU since <paramref name="before"/>, less the idle rate over the same time.</summary>
    private static double CpuSince(OrchestratorProcess orchestrator, TimeSpan before, long began, double idlePercent)
    {
        var used = (ProcStats.CpuTime(orchestrator.Pid) - before).TotalMilliseconds;
        return Math.Max(0, used - idlePercent / 100 * Stopwatch.GetElapsedTime(began).TotalMilliseconds);
    }

    private static async Task<List<(string TaskId, string PoolId, double Ms)>> SubmitManyAsync(
        ScaleClient client, int count, bool batch, int maxTokens, CancellationToken cancellationToken)
    {
        var submitted = new List<(string, string, double)>(count);
        await ForEachAsync(Enumerable.Range(0, count), async (_, token) =>
        {
            var result = await client.SubmitAsync(batch, maxTokens, token);
            lock (submitted) submitted.Add(result);
        }, cancellationToken);
        return submitted;
    }

    private static Task ForEachAsync<T>(IEnumerable<T> items, Func<T, CancellationToken, Task> action, CancellationToken cancellationToken) =>
        Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = SetupParallelism, CancellationToken = cancellationToken },
            async (item, token) => await action(item, token));

    /// <summary>Waits for the queues to hold exactly <paramref name="depth"/> tasks (a cancel or dispatch may land a moment after its answer).</summary>
    private async Task WaitDepthAsync(OrchestratorProcess orchestrator, int depth, CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        int seen;
        while ((seen = await orchestrator.TotalQueueDepthAsync(http, cancellationToken)) != depth)
        {
            if (Stopwatch.GetElapsedTime(began) > TimeSpan.FromSeconds(30))
                throw new BenchSetupException($"the queues held {seen} tasks, not {depth}, 30 s after they were filled");
            await Task.Delay(50, cancellationToken);
        }
    }
}
