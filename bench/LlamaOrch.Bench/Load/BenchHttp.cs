using System.Net;

namespace LlamaOrch.Bench.Load;

internal static class BenchHttp
{
    /// <summary>
    /// The one client every scenario shares. Loopback only, never through a proxy, and enough connections
    /// per server that 256 live streams plus their submissions never wait for one.
    /// </summary>
    public static HttpClient Create() =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            MaxConnectionsPerServer = 4096,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
        })
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
        };
}
