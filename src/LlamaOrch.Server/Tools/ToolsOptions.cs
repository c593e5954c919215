using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.Server.Tools;

/// <summary>The <c>Orchestrator:Tools</c> section: the HTTP tool's policy and limits, the search backend, and an optional policy of the operator's own.</summary>
internal sealed class ToolsOptions
{
    public HttpToolOptions Http { get; set; } = new();

    public SearchToolOptions Search { get; set; } = new();

    /// <summary>A DLL holding <see cref="PolicyType"/>; the policy type is looked up in orchestratord's own assemblies when absent.</summary>
    public string? PolicyAssembly { get; set; }

    /// <summary>The full name of a public <see cref="IToolPolicy"/> to use instead of <see cref="ConfiguredToolPolicy"/>.</summary>
    public string? PolicyType { get; set; }
}

/// <summary><c>Orchestrator:Tools:Http</c>; lists are null until set, as binding would otherwise append to a default list.</summary>
internal sealed class HttpToolOptions
{
    public List<string>? AllowHosts { get; set; }
    public List<string>? DenyHosts { get; set; }
    public List<string>? Schemes { get; set; }
    public List<int>? Ports { get; set; }
    public int? MaxResponseBytes { get; set; }
    public int? TimeoutMs { get; set; }
    public int? MaxRedirects { get; set; }
    public List<string>? RedactPatterns { get; set; }
    public bool? RedactOutgoing { get; set; }
    public bool? RedactIncoming { get; set; }

    /// <summary>Validated; throws <see cref="ConfigurationException"/> naming the bad key.</summary>
    public ToolPolicyOptions ToPolicyOptions()
    {
        var defaults = new ToolPolicyOptions();
        const string prefix = "Orchestrator:Tools:Http:";
        foreach (var port in Ports ?? [])
        {
            if (port is < 1 or > 65535) throw new ConfigurationException($"{prefix}Ports: {port} is not a TCP port");
        }
        if (Schemes?.FirstOrDefault(s => s is not ("http" or "https")) is { } scheme)
            throw new ConfigurationException($"{prefix}Schemes: '{scheme}' is not supported (http, https)");
        foreach (var pattern in RedactPatterns ?? [])
        {
            try
            {
                _ = new SecretRedactor([pattern]);
            }
            catch (Exception error) when (error is ArgumentException or NotSupportedException)
            {
                throw new ConfigurationException($"{prefix}RedactPatterns: '{pattern}' cannot be used: {error.Message}");
            }
        }
        return new ToolPolicyOptions
        {
            AllowHosts = AllowHosts ?? defaults.AllowHosts,
            DenyHosts = DenyHosts ?? defaults.DenyHosts,
            Schemes = Schemes ?? defaults.Schemes,
            Ports = Ports ?? defaults.Ports,
            MaxResponseBytes = AtLeast(MaxResponseBytes ?? defaults.MaxResponseBytes, 1, prefix + "MaxResponseBytes"),
            TimeoutMs = AtLeast(TimeoutMs ?? defaults.TimeoutMs, 1, prefix + "TimeoutMs"),
            MaxRedirects = AtLeast(MaxRedirects ?? defaults.MaxRedirects, 0, prefix + "MaxRedirects"),
            RedactPatterns = RedactPatterns ?? defaults.RedactPatterns,
            RedactOutgoing = RedactOutgoing ?? defaults.RedactOutgoing,
            RedactIncoming = RedactIncoming ?? defaults.RedactIncoming,
        };
    }

    private static int AtLeast(int value, int least, string key) =>
        value >= least ? value : throw new ConfigurationException($"{key} must be {least} or more (got {value})");
}
