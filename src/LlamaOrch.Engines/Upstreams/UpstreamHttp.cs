using System.Net;
using LlamaOrch.Core.Pools;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>
/// The HTTP client of one upstream: its own bounded connection pool (a remote server is not ours to flood),
/// connect and idle timeouts, never a proxy nor a redirect, the API key added by a handler, and a stall timeout (no byte for
/// <see cref="UpstreamConfig.StallTimeout"/> fails the request, <see cref="StallGuardHandler"/>). No overall request
/// timeout: a stream lasts as long as its task while bytes keep coming.
/// </summary>
internal static class UpstreamHttp
{
    public static HttpClient Create(UpstreamConfig upstream, int slots) =>
        Client(upstream, Handler(upstream.MaxConnections ?? Math.Max(slots, 1) + UpstreamConfig.SpareConnections, reuse: true));

    /// <summary>An https upstream with a CA file is trusted only through those CAs; the host name is checked either way.</summary>
    private static void TrustOnly(SocketsHttpHandler handler, string caFile)
    {
        var roots = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        roots.ImportFromPemFile(caFile);
        var policy = new System.Security.Cryptography.X509Certificates.X509ChainPolicy
        {
            TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust,
            RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck,
        };
        policy.CustomTrustStore.AddRange(roots);
        handler.SslOptions = new System.Net.Security.SslClientAuthenticationOptions { CertificateChainPolicy = policy };
    }

    /// <summary>A client that opens a new connection for every request: the one retry of a request a dropped pooled connection lost.</summary>
    public static HttpClient CreateFresh(UpstreamConfig upstream) => Client(upstream, Handler(UpstreamConfig.SpareConnections, reuse: false));

    /// <summary>The handler of engines orchestratord starts itself (loopback); <paramref name="reuse"/> false never keeps a connection.</summary>
    public static SocketsHttpHandler Handler(int maxConnections, bool reuse) => new()
    {
        UseProxy = false,
        // A redirect would re-POST the prompt to a host the operator never configured, and could make a health check
        // pass on another server: a 3xx is a failed call (ErrorAnswer) and a failed health check.
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        PooledConnectionLifetime = reuse ? Timeout.InfiniteTimeSpan : TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(5),
    };

    private static HttpClient Client(UpstreamConfig upstream, SocketsHttpHandler handler)
    {
        if (upstream.CaFile is { } caFile) TrustOnly(handler, caFile);
        HttpMessageHandler guarded = new StallGuardHandler(upstream.StallTimeout, handler);
        HttpMessageHandler outer = upstream.ApiKey is { } key ? new ApiKeyHandler(key, guarded) : guarded;
        return new HttpClient(outer, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }
}
