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
    private static readonly TimeSpan EnginesSettleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The engines' share of one core below which their warm-up is over (32 engines' slow tokens stay well under it).</summary>
    private const double QuietEnginesPercent = 25;
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
        var specs = Enumerable.Range(0, pools).Select(i => new PoolSpec($"scale{i}", model, slots, capacity, Replicas: replicas / pools)).ToList();
        var orchestrator = await OrchestratorProcess.StartAsync(children, layout, $"orchestratord-scale-{replicas}x{pools}", specs, apiToken, workDirectory, options, http, cancellationToken);
        try
        {
            await orchestrator.WaitAllReplicasAsync(http, ReplicasTimeout, cancellationToken);
            var client = new ScaleClient(http, orchestrator.BaseAddress, apiToken, new RequestBodies(model, QueuedTokens, options.CtxPerSlot));

            progress($"scale: {replicas * slots} holders take every slot");
            var holders = new Dictionary<string, Queue<string>>();
            // Each pool gets exactly its slots' worth, pinned: left to admission, holders submitted at once race on the
            // pools' loads, and on a busy machine a replica that misses a health check leaves its pool fewer ready slots,
            // so a pool could be handed more than its slots while another still had some free.
            var perPool = replicas / pools * slots;
            foreach (var spec in specs)
            {
                var queue = holders[spec.Id] = new Queue<string>();
                foreach (var (taskId, _, _) in await SubmitManyAsync(client, perPool, batch: false, HolderTokens, cancellationToken, spec.Id))
                    queue.Enqueue(taskId);
            }
            await WaitDepthAsync(orchestrator, 0, cancellationToken);
            var settled = await WaitEnginesQuietAsync(orchestrator, cancellationToken);
            progress($"scale: the engines' first requests are behind them after {settled.TotalSeconds:0} s");

            // Unmeasured: the JIT's first tiers and the connection pool warm on the same paths as the measured windows.
            await MeasureAdmissionsAsync(orchestrator, client, options.ScaleAdmissions, cancellationToken);
            await MeasureDispatchesAsync(orchestrator, client, holders, Math.Min(options.ScaleDispatches, 16), cancellationToken);

            var results = new List<ScaleResult>();
            var queued = 0;
            foreach (var depth in depths)
            {
                if (depth > queued) await SubmitManyAsync(client, depth - queued, batch: true, QueuedTokens, cancellationToken);
                queued = Math.Max(queued, depth);
                await WaitDepthAsync(orchestrator, queued, cancellationToken);
                progress($"scale: {replicas}x{slots} in {pools} pool(s), depth {queued}: {options.ScaleAdmissions} admissions, {options.ScaleDispatches} dispatch cycles");
                var idle = await IdleCpuPercentAsync(orchestrator, cancellationToken);
                var (admissionMs, admissionCpu) = await MeasureAdmissionsAsync(orchestrator, client, options.ScaleAdmissions, cancellationToken);
                await WaitDepthAsync(orchestrator, queued, cancellationToken);
                var (dispatchMs, cycleCpu) = await MeasureDispatchesAsync(orchestrator, client, holders, options.ScaleDispatches, cancellationToken);
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
        OrchestratorProcess orchestrator, ScaleClient client, int count, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(count);
        var ids = new List<string>(count);
        var next = 0;
        var cpuBefore = ProcStats.CpuTime(orchestrator.Pid);
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
        var cpuMs = CpuSince(orchestrator, cpuBefore) / count;
        await ForEachAsync(ids, client.CancelAsync, cancellationToken);
        latencies.Sort();
        return (latencies, cpuMs);
    }

    /// <summary>Dispatch cycles, one after another: an interactive task queues ahead of the depth, a holder of its pool is cancelled, the task starts.</summary>
    private async Task<(List<double> Ms, double CpuMs)> MeasureDispatchesAsync(
        OrchestratorProcess orchestrator, ScaleClient client, Dictionary<string, Queue<string>> holders, int cycles,
        CancellationToken cancellationToken)
    {
        var latencies = new List<double>(cycles);
        var cpuBefore = ProcStats.CpuTime(orchestrator.Pid);
        for (var cycle = 0; cycle < cycles; cycle++)
        {
            var (taskId, poolId, _) = await client.SubmitAsync(batch: false, HolderTokens, cancellationToken);
            // The stream's request goes out before the cancel, but its headers are not awaited first: orchestratord sends
            // a queued task's headers with its first frame, up to a metrics interval later.
            var started = client.WaitStartedAsync(taskId, cancellationToken);
            var victim = holders[poolId].Dequeue();
            var sent = Stopwatch.GetTimestamp();
            await client.CancelAsync(victim, cancellationToken);
            latencies.Add(Stopwatch.GetElapsedTime(sent, await started).TotalMilliseconds);
            holders[poolId].Enqueue(taskId);
        }
        var cpuMs = CpuSince(orchestrator, cpuBefore) / cycles;
        latencies.Sort();
        return (latencies, cpuMs);
    }

    /// <summary>
    /// Waits until the engine processes, which JIT their request path on their first tasks, use less than
    /// <see cref="QuietEnginesPercent"/> of a core in a second (at most <see cref="EnginesSettleTimeout"/>): on a small
    /// machine, 32 engines warming up would otherwise weigh on the first depth measured and not on the others.
    /// </summary>
    private static async Task<TimeSpan> WaitEnginesQuietAsync(OrchestratorProcess orchestrator, CancellationToken cancellationToken)
    {
        var began = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(began) < EnginesSettleTimeout)
        {
            var pids = orchestrator.EnginePids;
            var before = pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + ProcStats.CpuTime(pid));
            var second = Stopwatch.GetTimestamp();
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            var used = pids.Aggregate(TimeSpan.Zero, (sum, pid) => sum + ProcStats.CpuTime(pid)) - before;
            if (used.TotalMilliseconds / Stopwatch.GetElapsedTime(second).TotalMilliseconds * 100 < QuietEnginesPercent) break;
        }
        return Stopwatch.GetElapsedTime(began);
    }

    /// <summary>orchestratord's CPU over two quiet seconds, as a percent of one core: the floor under the windows' CPU (a 1 s window at 10 % holds 100 ms of it).</summary>
    private static async Task<double> IdleCpuPercentAsync(OrchestratorProcess orchestrator, CancellationToken cancellationToken)
    {
        // After the queue was filled, the thread pool's workers spin for a while before they sleep: not the idle floor.
        await Task.Delay(SettleTime, cancellationToken);
        var before = ProcStats.CpuTime(orchestrator.Pid);
        var began = Stopwatch.GetTimestamp();
        await Task.Delay(IdleWindow, cancellationToken);
        return (ProcStats.CpuTime(orchestrator.Pid) - before).TotalMilliseconds / Stopwatch.GetElapsedTime(began).TotalMilliseconds * 100;
    }

    /// <summary>Milliseconds of orchestratord CPU since <paramref name="before"/>, all of it: its idle rate is reported beside it, not taken out.</summary>
    private static double CpuSince(OrchestratorProcess orchestrator, TimeSpan before) => (ProcStats.CpuTime(orchestrator.Pid) - before).TotalMilliseconds;

    private static async Task<List<(string TaskId, string PoolId, double Ms)>> SubmitManyAsync(
        ScaleClient client, int count, bool batch, int maxTokens, CancellationToken cancellationToken, string? pinPool = null)
    {
        var submitted = new List<(string, string, double)>(count);
        await ForEachAsync(Enumerable.Range(0, count), async (_, token) =>
        {
            var result = await client.SubmitAsync(batch, maxTokens, token, pinPool);
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
            if (Stopwatch.GetElapsedTime(began) > TimeSpan.FromSeconds(60))
                throw new BenchSetupException($"the queues held {seen} tasks, not {depth}, 60 s after they were filled");
            await Task.Delay(50, cancellationToken);
        }
    }
}
