using LlamaOrch.Server.Configuration;
using LlamaOrch.Server.Security;

namespace LlamaOrch.Server.Metrics;

/// <summary>
/// Whether <c>/metrics</c> needs the API token (Orchestrator:Metrics:RequireToken). Unset, it needs it only when
/// orchestratord listens beyond loopback: a scraper on the same machine needs no secret, and the series (pool
/// and model names, load) are not for the whole network.
/// </summary>
internal sealed record MetricsAccess(bool RequireToken)
{
    public static MetricsAccess From(MetricsOptions options, IReadOnlyList<string> urls) =>
        new(options.RequireToken ?? !urls.All(BindAddresses.IsLoopback));
}
