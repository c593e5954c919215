using System.Net;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Models;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// Runs one supervised engine process per replica: every serving replica of every pool at start, and
/// the replicas a reload or a restart adds later; each can be stopped on its own. An upstream replica (an
/// engine we do not start) gets a health watcher instead, which never starts or kills anything.
/// </summary>
public sealed class PoolSupervisor : IEngineProcesses, IAsyncDisposable
{
    private readonly Lock _lock = new();
    private readonly List<SupervisedReplica> _replicas = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly PoolRegistry _pools;
    private readonly ModelFiles _models;
    private readonly ReplicaPlacer _placer;
    private readonly SupervisorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly HttpClient _freshHttp;
    private readonly EngineRecords? _records;

    public PoolSupervisor(
        PoolRegistry pools,
        ModelStore store,
        ModelCatalog? catalog,
        ReplicaPlacer placer,
        SupervisorOptions options,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _http = CreateEngineHttpClient();
        _freshHttp = new HttpClient(Upstreams.UpstreamHttp.Handler(maxConnections: int.MaxValue, reuse: false)) { Timeout = Timeout.InfiniteTimeSpan };
        _pools = pools;
        _placer = placer;
        _options = options;
        _time = time;
        _logger = loggers.CreateLogger<PoolSupervisor>();
        _models = new ModelFiles(store, catalog, time, _logger);
        _records = options.EngineRecordsDir is { } records ? new EngineRecords(records, _logger) : null;
    }

    public SupervisorOptions Options => _options;

    /// <summary>Stops the engines a crashed earlier run left behind (never another process), then starts every pool's replicas.</summary>
    public void Start()
    {
        if (_records?.StopLeftovers() is > 0 and var stopped)
            _logger.LogWarning("Stopped {Count} engines left running by an earlier orchestratord", stopped);
        foreach (var pool in _pools.All) StartReplicas(pool, pool.ServingPlans());
    }

    public void StartReplicas(PoolRuntime pool, IEnumerable<ReplicaPlan> plans)
    {
        lock (_lock)
        {
            if (_stopping.IsCancellationRequested) return;
            var ordered = plans.ToList();
            // Only GPU placements take turns: a CPU replica never waits for another replica's model download.
            _placer.TakeTurns(ordered.Where(p => p.Upstream is null && p.Config.Devices is not [DevicePlacement.Cpu]).Select(p => p.ReplicaId));
            foreach (var plan in ordered)
            {
                IReplicaRun supervisor = plan.Upstream is null
                    ? new ReplicaSupervisor(pool, plan, _models, _placer, _http, _freshHttp, _options, _records, _time, _logger)
                    : new UpstreamWatcher(pool, plan, _options, _time, _logger);
                var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
                _replicas.Add(new SupervisedReplica(supervisor, stop, Task.Run(() => supervisor.RunAsync(stop.Token))));
            }
        }
    }

    /// <summary>Stops these replicas' engines (killing them; an upstream's watcher only stops watching) and forgets them.</summary>
    public async Task StopReplicasAsync(IReadOnlyCollection<string> replicaIds)
    {
        List<SupervisedReplica> stopping;
        lock (_lock)
        {
            stopping = _replicas.Where(r => replicaIds.Contains(r.Supervisor.ReplicaId)).ToList();
            _replicas.RemoveAll(stopping.Contains);
        }
        foreach (var replica in stopping) await replica.Stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(stopping.Select(r => r.Run)).ConfigureAwait(false);
        foreach (var replica in stopping) replica.Stop.Dispose();
    }

    /// <summary>Pid of each running engine, in the order the replicas were started (for tests and ops).</summary>
    public IReadOnlyList<int?> EngineProcessIds
    {
        get { lock (_lock) return _replicas.Select(r => r.Supervisor.ProcessId).ToList(); }
    }

    /// <inheritdoc/>
    public int? EngineProcessId(string replicaId)
    {
        lock (_lock) return _replicas.FirstOrDefault(r => r.Supervisor.ReplicaId == replicaId)?.Supervisor.ProcessId;
    }

    public async Task StopAsync()
    {
        List<Task> running;
        lock (_lock)
        {
            if (!_stopping.IsCancellationRequested) _stopping.Cancel();
            running = _replicas.Select(r => r.Run).ToList();
        }
        await Task.WhenAll(running).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _http.Dispose();
        _freshHttp.Dispose();
        _stopping.Dispose();
    }

    /// <summary>The HTTP client every engine adapter shares: loopback only, never through a proxy.</summary>
    private static HttpClient CreateEngineHttpClient()
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private sealed record SupervisedReplica(IReplicaRun Supervisor, CancellationTokenSource Stop, Task Run);
}
