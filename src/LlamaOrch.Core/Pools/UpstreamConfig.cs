namespace LlamaOrch.Core.Pools;

/// <summary>
/// One engine a pool schedules onto but does not start (Orchestrator:Pools:N:Upstreams:M): health-checked, marked
/// down and back up, placed by load like a local replica, and never spawned or killed by orchestratord.
/// </summary>
/// <param name="Url">Where it listens: the server's root (http or https).</param>
public sealed record UpstreamConfig(Uri Url, UpstreamProtocol Protocol)
{
    /// <summary>Its concurrent slots; null to read them from the server (llama-server's <c>/props</c> <c>total_slots</c>).</summary>
    public int? Slots { get; init; }

    /// <summary>The upstream's own name for the model, where its protocol needs one in each request.</summary>
    public string? Model { get; init; }

    /// <summary>A PEM file of the CA certificates an https upstream's certificate must chain to, instead of the machine's roots.</summary>
    public string? CaFile { get; init; }

    /// <summary>Sent as <c>Authorization: Bearer</c>; never logged.</summary>
    public UpstreamSecret? ApiKey { get; init; }

    /// <summary>
    /// Connections open to it at most (streams, health checks, token counts and <c>/metrics</c> together); null for its
    /// slots plus <see cref="SpareConnections"/>. A request beyond them waits for one to come free.
    /// </summary>
    public int? MaxConnections { get; init; }

    /// <summary>Connections beyond the slots by default: health checks, tokenize and metrics go beside the running streams.</summary>
    public const int SpareConnections = 4;

    /// <summary>
    /// How long a request to it may go without a byte from it (waiting for its answer, or mid-stream) before the call
    /// fails as a stalled upstream and the replica is taken out of dispatch until its health check passes.
    /// </summary>
    public TimeSpan StallTimeout { get; init; } = DefaultStallTimeout;

    /// <summary>30 s: longer than a busy server's prompt processing usually keeps a stream silent, short enough for a person waiting.</summary>
    public static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How logs and status name it: the URL without any user info.</summary>
    public string Display => Url.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
}
