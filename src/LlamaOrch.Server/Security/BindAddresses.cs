using System.Net;

namespace LlamaOrch.Server.Security;

/// <summary>Decides whether the addresses orchestratord listens on are all loopback.</summary>
internal static class BindAddresses
{
    public const string DefaultUrl = "http://127.0.0.1:8080";

    public static IReadOnlyList<string> Parse(string? urls) =>
        (urls ?? DefaultUrl).Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool IsLoopback(string url)
    {
        // Kestrel's wildcards ("*", "+") do not parse as URIs; they mean every interface.
        var host = url.Split("://", 2) is [_, var rest] ? rest : url;
        host = host.Split('/', 2)[0];
        if (host.StartsWith('['))
            host = host[1..host.IndexOf(']', StringComparison.Ordinal)];
        else if (host.LastIndexOf(':') is var colon and > 0)
            host = host[..colon];

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
        return IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address);
    }
}
