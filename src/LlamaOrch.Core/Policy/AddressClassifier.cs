using System.Net;
using System.Net.Sockets;

namespace LlamaOrch.Core.Policy;

/// <summary>Sorts an address into its <see cref="AddressClass"/>; IPv4-mapped and IPv4-compatible IPv6 are classed as the IPv4 they carry.</summary>
public static class AddressClassifier
{
    private static readonly IPAddress Ec2MetadataV6 = IPAddress.Parse("fd00:ec2::254");

    public static AddressClass Classify(IPAddress address)
    {
        address = IpSpelling.Unmap(address);
        return address.AddressFamily == AddressFamily.InterNetwork ? ClassifyV4(address.GetAddressBytes()) : ClassifyV6(address);
    }

    private static AddressClass ClassifyV4(byte[] b)
    {
        if (b[0] == 169 && b[1] == 254 && b[2] == 169 && b[3] == 254) return AddressClass.Metadata;
        if (b[0] == 0) return AddressClass.Unspecified;
        if (b[0] == 127) return AddressClass.Loopback;
        if (b[0] == 10 || (b[0] == 172 && (b[1] & 0xF0) == 16) || (b[0] == 192 && b[1] == 168)) return AddressClass.Private;
        if (b[0] == 100 && (b[1] & 0xC0) == 64) return AddressClass.Private;
        if (b[0] == 169 && b[1] == 254) return AddressClass.LinkLocal;
        if ((b[0] & 0xF0) == 224) return AddressClass.Multicast;
        if ((b[0] & 0xF0) == 240) return AddressClass.Reserved;
        return AddressClass.Public;
    }

    private static AddressClass ClassifyV6(IPAddress address)
    {
        if (address.Equals(Ec2MetadataV6)) return AddressClass.Metadata;
        if (address.Equals(IPAddress.IPv6Loopback)) return AddressClass.Loopback;
        if (address.Equals(IPAddress.IPv6Any)) return AddressClass.Unspecified;
        var b = address.GetAddressBytes();
        // ::a.b.c.d (IPv4-compatible, deprecated but still routed by some stacks) carries an IPv4 address.
        if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return ClassifyV4(b[12..]);
        if (b[0] == 0xFF) return AddressClass.Multicast;
        if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass.LinkLocal;
        if ((b[0] & 0xFE) == 0xFC) return AddressClass.Private;
        return AddressClass.Public;
    }
}
