using System.Net;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Models;
using Microsoft.Extensions.Logging;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// Starts one supervised engine process per replica of every pool and stops them all on shutdown.
/// </summary>
public sealed class PoolSupervisor : IAsyncDisposable
{
    private readonly List<ReplicaSupervisor> _replicas = [];
    private readonly List<Task> _running = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly HttpClient _http;

    public PoolSupervisor(PoolRegistry pools, ModelStore store, SupervisorOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _http = CreateEngineHttpClient();
        var logger = loggers.CreateLogger<PoolSupervisor>();
        var models = new ModelFiles(store, logger);
        foreach (var pool in pools.All)
        {
            for (var index = 0; index < pool.Config.Replicas; index++)
                _replicas.Add(new ReplicaSupervisor(pool, index, models, _http, options, time, logger));
        }
    }

    public void Start()
    {
        foreach (var replica in _replicas) _running.Add(Task.Run(() => replica.RunAsync(_stopping.Token)));
    }

    /// <summary>Pid of each running engine, by replica index in configuration order (for tests and ops).</summary>
    public IReadOnlyList<int?> EngineProcessIds => _replicas.Select(r => r.ProcessId).ToList();

    public async Task StopAsync()
    {
        if (!_stopping.IsCancellationRequested) await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_running).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _http.Dispose();
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
}
