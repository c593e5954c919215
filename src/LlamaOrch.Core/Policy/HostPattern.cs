using System.Globalization;

namespace LlamaOrch.Core.Policy;

/// <summary>
/// One allow or deny entry: a host name, an IP address (any spelling <see cref="IpSpelling"/> reads), or
/// <c>*.suffix</c> (any name under the suffix, not the suffix itself), optionally with <c>:port</c>.
/// </summary>
internal sealed record HostPattern(string Host, bool Wildcard, int? Port)
{
    public static HostPattern Parse(string entry)
    {
        var text = entry.Trim().ToLowerInvariant();
        int? port = null;
        // "[::1]:8080" and "host:8080" carry a port; a bare IPv6 address ("::1") has colons but no port.
        var colon = text.LastIndexOf(':');
        if (colon > 0 && (text.StartsWith('[') ? text[colon - 1] == ']' : text.IndexOf(':') == colon)
            && int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            port = parsed;
            text = text[..colon];
        }
        text = text.Trim('[', ']').TrimEnd('.');
        if (text.StartsWith("*.", StringComparison.Ordinal)) return new HostPattern(text[1..], true, port);
        return new HostPattern(IpSpelling.Parse(text)?.ToString() ?? text, false, port);
    }

    /// <param name="host">The URL's host, lower case, as <see cref="ConfiguredToolPolicy.HostKey"/> makes it.</param>
    public bool Matches(string host, int port) =>
        (Port is null || Port == port) && (Wildcard ? host.EndsWith(Host, StringComparison.Ordinal) : host == Host);
}
