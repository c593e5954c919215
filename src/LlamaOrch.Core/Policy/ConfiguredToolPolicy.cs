using System.Net;

namespace LlamaOrch.Core.Policy;

/// <summary>
/// The default <see cref="IToolPolicy"/>, from configuration. A target is refused, in order: by scheme; by the
/// deny list; by the allow list when it has entries; by port (unless an allow entry names the port); and, for
/// every address the host resolves to, by the deny list's address entries (a denied address is not reached
/// through a name that resolves to it) and by address class. An exact allow entry (not a wildcard) names a host
/// the operator chose, so it also lets that host's loopback or private addresses through; metadata addresses never.
/// </summary>
public sealed class ConfiguredToolPolicy : IToolPolicy
{
    private readonly ToolPolicyOptions _options;
    private readonly HostPattern[] _allow;
    private readonly HostPattern[] _deny;

    /// <exception cref="ArgumentException">An allow or deny entry is not a host (the message names the list, the index and why).</exception>
    public ConfiguredToolPolicy(ToolPolicyOptions options)
    {
        _options = options;
        _allow = Parse(options.AllowHosts, nameof(options.AllowHosts));
        _deny = Parse(options.DenyHosts, nameof(options.DenyHosts));
    }

    public ToolDecision CheckTarget(Uri url)
    {
        if (!_options.Schemes.Contains(url.Scheme, StringComparer.OrdinalIgnoreCase))
            return ToolDecision.Refuse(ToolPolicyRules.Scheme, $"scheme '{url.Scheme}' is not allowed (Orchestrator:Tools:Http:Schemes)");
        var host = HostKey(url);
        if (_deny.Any(p => p.Matches(host, url.Port)))
            return ToolDecision.Refuse(ToolPolicyRules.DenyList, $"host '{host}' is on the deny list (Orchestrator:Tools:Http:DenyHosts)");
        if (_allow.Length > 0 && !_allow.Any(p => p.Matches(host, url.Port)))
            return ToolDecision.Refuse(ToolPolicyRules.AllowList, $"host '{host}' is not on the allow list (Orchestrator:Tools:Http:AllowHosts)");
        if (!_options.Ports.Contains(url.Port) && !_allow.Any(p => p.Port == url.Port && p.Matches(host, url.Port)))
            return ToolDecision.Refuse(ToolPolicyRules.Port, $"port {url.Port} is not allowed (Orchestrator:Tools:Http:Ports, or an allow entry host:port)");
        return ToolDecision.Allow;
    }

    public ToolDecision CheckAddress(Uri url, IPAddress address)
    {
        var host = HostKey(url);
        var key = IpSpelling.Unmap(address).ToString();
        if (_deny.Any(p => !p.Wildcard && p.Matches(key, url.Port)))
            return ToolDecision.Refuse(ToolPolicyRules.DenyList, $"'{host}' resolves to {key}, which is on the deny list (Orchestrator:Tools:Http:DenyHosts)");
        var kind = AddressClassifier.Classify(address);
        if (kind == AddressClass.Public) return ToolDecision.Allow;
        if (kind != AddressClass.Metadata && _allow.Any(p => !p.Wildcard && p.Matches(host, url.Port))) return ToolDecision.Allow;
        return ToolDecision.Refuse(ToolPolicyRules.AddressClass,
            $"'{host}' resolves to {key}, a {kind.ToString().ToLowerInvariant()} address, which tools may not reach" +
            (kind == AddressClass.Metadata ? string.Empty : " unless the host is on the allow list by name or address"));
    }

    private static HostPattern[] Parse(IReadOnlyList<string> entries, string list)
    {
        var patterns = new HostPattern[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            try
            {
                patterns[i] = HostPattern.Parse(entries[i]);
            }
            catch (FormatException error)
            {
                throw new ArgumentException($"{list}:{i}: {error.Message}", error);
            }
        }
        return patterns;
    }

    /// <summary>The host as the lists see it: lower case, without brackets or a trailing dot, an address in its normal spelling.</summary>
    public static string HostKey(Uri url)
    {
        var host = url.IdnHost.ToLowerInvariant().Trim('[', ']').TrimEnd('.');
        return IpSpelling.Parse(host)?.ToString() ?? host;
    }
}
