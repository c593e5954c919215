using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaOrch.Core.Policy;

/// <summary>
/// One allow or deny entry: a host name, an IP address (any spelling <see cref="IpSpelling"/> reads), or
/// <c>*.suffix</c> (any name under the suffix, not the suffix itself), optionally with <c>:port</c>.
/// </summary>
internal sealed partial record HostPattern(string Host, bool Wildcard, int? Port)
{
    /// <exception cref="FormatException">
    /// The entry is not such a host: a URL, a path, user info, an empty host, a port that is not 1-65535, a <c>*</c>
    /// anywhere but a leading <c>*.</c>. An entry that never matches would leave a deny list open without a word.
    /// </exception>
    public static HostPattern Parse(string entry)
    {
        var text = entry.Trim().ToLowerInvariant();
        int? port = null;
        // "[::1]:8080" and "host:8080" carry a port; a bare IPv6 address ("::1") has colons but no port.
        var colon = text.LastIndexOf(':');
        if (colon > 0 && (text.StartsWith('[') ? text[colon - 1] == ']' : text.IndexOf(':') == colon))
        {
            if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed is < 1 or > 65535)
                throw new FormatException($"'{entry}': the port after ':' must be 1 to 65535, and an entry is a host, not a URL (no scheme, path or user info)");
            port = parsed;
            text = text[..colon];
        }
        text = text.Trim('[', ']').TrimEnd('.');
        var wildcard = text.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? text[2..] : text;
        var address = wildcard ? null : IpSpelling.Parse(name);
        if (address is null && !HostName().IsMatch(name))
            throw new FormatException($"'{entry}' is not a host name, an address or *.suffix (optionally with :port); an entry is a host, not a URL (no scheme, path or user info)");
        return wildcard ? new HostPattern(text[1..], true, port) : new HostPattern(address?.ToString() ?? name, false, port);
    }

    /// <param name="host">The URL's host, lower case, as <see cref="ConfiguredToolPolicy.HostKey"/> makes it.</param>
    public bool Matches(string host, int port) =>
        (Port is null || Port == port) && (Wildcard ? host.EndsWith(Host, StringComparison.Ordinal) : host == Host);

    /// <summary>Dot-separated labels as URLs carry them (IDNs in their xn-- form); underscores pass, as some internal names have them.</summary>
    [GeneratedRegex("^[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?(?:\\.[a-z0-9_](?:[a-z0-9_-]*[a-z0-9_])?)*$", RegexOptions.CultureInvariant)]
    private static partial Regex HostName();
}
