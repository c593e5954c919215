using System.Net;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>
/// The HTTP client of one upstream: its own bounded connection pool (a remote server is not ours to flood),
/// connect and idle timeouts, never a proxy, and the API key added by a handler. No overall request timeout:
/// a stream lasts as long as its task; a stalled server is found by the health watcher, which takes its tasks back.
/// </summary>
internal static class UpstreamHttp
{
    /// <summary>Connections beyond the slots: health checks, tokenize and metrics go beside the running streams.</summary>
    private const int SpareConnections = 4;

    public static HttpClient Create(UpstreamConfig upstream, int slots)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = Math.Max(slots, 1) + SpareConnections,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectTimeout = TimeSpan.FromSeconds(5),
        };
        HttpMessageHandler outer = upstream.ApiKey is { } key ? new ApiKeyHandler(key, handler) : handler;
        return new HttpClient(outer, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
