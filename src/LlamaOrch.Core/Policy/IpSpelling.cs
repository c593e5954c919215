using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace LlamaOrch.Core.Policy;

/// <summary>
/// Reads a URL host as an IP address in every spelling a resolver or browser would accept, so that a policy
/// sees the address that would be connected to: IPv4 in one to four parts (<c>127.1</c>, <c>2130706433</c>),
/// each part decimal, octal (<c>0177</c>) or hex (<c>0x7f</c>), as inet_aton reads them; IPv6 with or without
/// brackets; and an IPv4-mapped IPv6 address (<c>::ffff:127.0.0.1</c>) as the IPv4 address it reaches.
/// </summary>
public static class IpSpelling
{
    /// <summary>The address a host spells, normalised; null when the host is a name, not an address.</summary>
    public static IPAddress? Parse(string host)
    {
        var text = host.Trim();
        if (text.EndsWith('.')) text = text[..^1];
        if (text.StartsWith('[') && text.EndsWith(']')) text = text[1..^1];
        if (text.Length == 0) return null;
        if (text.Contains(':'))
        {
            // A zone id (fe80::1%eth0) names an interface, not another address.
            var zone = text.IndexOf('%');
            var bare = zone >= 0 ? text[..zone] : text;
            return IPAddress.TryParse(bare, out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? Unmap(v6) : null;
        }
        return ParseV4(text);
    }

    /// <summary>An IPv4-mapped IPv6 address as its IPv4 address; any other address as it is.</summary>
    public static IPAddress Unmap(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private static IPAddress? ParseV4(string text)
    {
        var parts = text.Split('.');
        if (parts.Length > 4) return null;
        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryPart(parts[i], out values[i])) return null;
        }
        // The last part fills the bytes the earlier parts leave: a.b.c.d, a.b.(16 bits), a.(24 bits), (32 bits).
        ulong value = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (values[i] > 0xFF) return null;
            value |= values[i] << (8 * (3 - i));
        }
        var last = values[^1];
        var lastBits = 8 * (5 - parts.Length);
        if (last >= 1UL << lastBits) return null;
        value |= last;
        return new IPAddress(new[] { (byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value });
    }

    private static bool TryPart(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0) return false;
        if (part.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
            return part.Length == 2 || ulong.TryParse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value) && value <= uint.MaxValue;
        if (part.Length > 1 && part[0] == '0')
        {
            foreach (var digit in part)
            {
                if (digit is < '0' or > '7') return false;
                value = value * 8 + (ulong)(digit - '0');
                if (value > uint.MaxValue) return false;
            }
            return true;
        }
        foreach (var digit in part)
        {
            if (digit is < '0' or > '9') return false;
        }
        return ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value <= uint.MaxValue;
    }
}
