using LlamaOrch.Core.Pools;

namespace LlamaOrch.Server.Configuration;

/// <summary>
/// Validates a pool's upstreams (Orchestrator:Pools:N:Upstreams) into <see cref="UpstreamConfig"/>s; every refusal
/// names the bad key. An API key is read here, once, from its file or environment variable, and never printed.
/// </summary>
internal static class UpstreamSettings
{
    private static readonly Dictionary<string, UpstreamProtocol> Protocols = new(StringComparer.OrdinalIgnoreCase)
    {
        ["llamacpp"] = UpstreamProtocol.LlamaCpp,
        ["openai"] = UpstreamProtocol.OpenAi,
        ["tgi"] = UpstreamProtocol.Tgi,
        ["triton"] = UpstreamProtocol.Triton,
    };

    public static IReadOnlyList<UpstreamConfig> From(List<UpstreamOptions>? upstreams, string key)
    {
        if (upstreams is not { Count: > 0 }) return [];
        var configs = new List<UpstreamConfig>();
        for (var index = 0; index < upstreams.Count; index++) configs.Add(One(upstreams[index], $"{key}:{index}"));
        if (configs.GroupBy(u => u.Url).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ConfigurationException($"{key}: upstream {twice.Key.GetLeftPart(UriPartial.Authority)} is listed twice");
        return configs;
    }

    private static UpstreamConfig One(UpstreamOptions upstream, string key)
    {
        if (string.IsNullOrWhiteSpace(upstream.Url)) throw new ConfigurationException($"{key}:Url is required (http://host:port or https://host:port)");
        if (!Uri.TryCreate(upstream.Url, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https") || string.IsNullOrEmpty(url.Host))
            throw new ConfigurationException($"{key}:Url '{Redacted(upstream.Url)}' is not an http:// or https:// URL");
        if (!string.IsNullOrEmpty(url.UserInfo))
            throw new ConfigurationException($"{key}:Url must not hold credentials; put the key in {key}:ApiKeyFile or {key}:ApiKeyEnv");
        if (!string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment))
            throw new ConfigurationException($"{key}:Url must not have a query or fragment (got '{url.GetLeftPart(UriPartial.Path)}…')");

        if (string.IsNullOrWhiteSpace(upstream.Protocol))
            throw new ConfigurationException($"{key}:Protocol is required ({string.Join(" | ", Protocols.Keys)})");
        if (!Protocols.TryGetValue(upstream.Protocol, out var protocol))
            throw new ConfigurationException($"{key}:Protocol '{upstream.Protocol}' is not supported (supported: {string.Join(" | ", Protocols.Keys)})");

        if (upstream.Slots is <= 0) throw new ConfigurationException($"{key}:Slots must be positive, or unset to read them from the server (got {upstream.Slots})");
        if (upstream.Model is not null && string.IsNullOrWhiteSpace(upstream.Model)) throw new ConfigurationException($"{key}:Model must not be empty when set");
        // Triton serves many models and lists none in a way every backend shares: the request names one.
        if (protocol == UpstreamProtocol.Triton && upstream.Model is null)
            throw new ConfigurationException($"{key}:Model is required with Protocol triton (the model's name in Triton's repository, as in /v2/models/<name>/generate_stream)");
        // A stream waits for a free connection, and the stall timeout counts that wait: fewer connections than slots
        // (and one for the health check) would fail tasks that the slots admit.
        if (upstream.MaxConnections is { } connections && connections < (upstream.Slots ?? 1) + 1)
            throw new ConfigurationException(
                $"{key}:MaxConnections must be at least {key}:Slots plus one for the health check ({(upstream.Slots ?? 1) + 1}; got {connections})");
        if (upstream.StallTimeoutSeconds is { } stall && !(stall > 0 && double.IsFinite(stall) && stall <= 86_400))
            throw new ConfigurationException($"{key}:StallTimeoutSeconds must be positive and at most 86400 (got {stall})");

        return new UpstreamConfig(url, protocol)
        {
            CaFile = CaFile(upstream.CaFile, url, key),
            Slots = upstream.Slots,
            Model = upstream.Model,
            MaxConnections = upstream.MaxConnections,
            StallTimeout = upstream.StallTimeoutSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : UpstreamConfig.DefaultStallTimeout,
            ApiKey = ApiKey(upstream, key),
        };
    }

    private static string? CaFile(string? file, Uri url, string key)
    {
        if (string.IsNullOrWhiteSpace(file)) return null;
        if (url.Scheme != "https") throw new ConfigurationException($"{key}:CaFile is set but {key}:Url is not https://");
        var certificates = new System.Security.Cryptography.X509Certificates.X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(file);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigurationException($"{key}:CaFile '{file}' cannot be read as PEM certificates: {error.Message}");
        }
        if (certificates.Count == 0) throw new ConfigurationException($"{key}:CaFile '{file}' holds no PEM certificate");
        return file;
    }

    private static UpstreamSecret? ApiKey(UpstreamOptions upstream, string key)
    {
        if (upstream.ApiKeyFile is { Length: > 0 } && upstream.ApiKeyEnv is { Length: > 0 })
            throw new ConfigurationException($"{key}: set ApiKeyFile or ApiKeyEnv, not both");
        string? value;
        if (upstream.ApiKeyFile is { Length: > 0 } file)
        {
            try
            {
                value = File.ReadAllText(file).Trim();
            }
            catch (Exception error) when (error is IOException or UnauthorizedAccessException)
            {
                throw new ConfigurationException($"{key}:ApiKeyFile '{file}' cannot be read: {error.Message}");
            }
            if (value.Length == 0) throw new ConfigurationException($"{key}:ApiKeyFile '{file}' is empty");
        }
        else if (upstream.ApiKeyEnv is { Length: > 0 } variable)
        {
            value = Environment.GetEnvironmentVariable(variable)?.Trim();
            if (string.IsNullOrEmpty(value)) throw new ConfigurationException($"{key}:ApiKeyEnv: environment variable '{variable}' is not set or empty");
        }
        else
        {
            return null;
        }
        if (value.Any(char.IsControl)) throw new ConfigurationException($"{key}: the API key holds control characters (a line break inside the file?)");
        return new UpstreamSecret(value);
    }

    /// <summary>A URL as it may appear in an error message: without anything that looks like user info.</summary>
    private static string Redacted(string url)
    {
        var at = url.IndexOf('@', StringComparison.Ordinal);
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        return at > 0 && scheme >= 0 && at > scheme ? url[..(scheme + 3)] + "…@" + url[(at + 1)..] : url;
    }
}
