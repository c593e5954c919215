using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// <c>Orchestrator:Tools:Search</c>: the SearXNG-compatible backend (<see cref="Url"/>, e.g.
/// <c>http://127.0.0.1:8888/search</c>; the search tool is off without it) and its limits, which default to the
/// HTTP tool's. The backend is reached through the same policy as any fetch, so a LAN or loopback backend needs
/// an exact <c>Tools:Http:AllowHosts</c> entry.
/// </summary>
internal sealed class SearchToolOptions
{
    public const string Section = "Orchestrator:Tools:Search";

    public string? Url { get; set; }
    public int? MaxResponseBytes { get; set; }
    public int? TimeoutMs { get; set; }
    public int? DefaultLimit { get; set; }

    /// <summary>Validated; throws <see cref="ConfigurationException"/> naming the bad key.</summary>
    public SearchSettings ToSettings(ToolPolicyOptions http)
    {
        Uri? url = null;
        if (!string.IsNullOrWhiteSpace(Url)
            && !(Uri.TryCreate(Url, UriKind.Absolute, out url) && url.Scheme is "http" or "https" && url.Host.Length > 0 && url.Fragment.Length == 0))
            throw new ConfigurationException($"{Section}:Url: '{Url}' is not an http or https URL such as http://127.0.0.1:8888/search");
        var limit = DefaultLimit ?? 10;
        if (limit is < 1 or > SearchSettings.MaxLimit) throw new ConfigurationException($"{Section}:DefaultLimit must be 1 to {SearchSettings.MaxLimit} (got {limit})");
        return new SearchSettings(url, Positive(MaxResponseBytes ?? http.MaxResponseBytes, "MaxResponseBytes"), Positive(TimeoutMs ?? http.TimeoutMs, "TimeoutMs"), limit);
    }

    private static int Positive(int value, string key) =>
        value >= 1 ? value : throw new ConfigurationException($"{Section}:{key} must be 1 or more (got {value})");
}

/// <summary>The validated search settings; <see cref="Url"/> null when no backend is configured.</summary>
internal sealed record SearchSettings(Uri? Url, int MaxResponseBytes, int TimeoutMs, int DefaultLimit)
{
    public const int MaxLimit = 50;
}
