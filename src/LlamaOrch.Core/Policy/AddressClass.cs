namespace LlamaOrch.Core.Policy;

/// <summary>What kind of network an address belongs to; every class but <see cref="Public"/> is blocked by default.</summary>
public enum AddressClass
{
    Public,
    Loopback,
    /// <summary>RFC 1918, CGNAT 100.64.0.0/10, and IPv6 unique-local fc00::/7.</summary>
    Private,
    /// <summary>169.254.0.0/16 and fe80::/10.</summary>
    LinkLocal,
    Multicast,
    /// <summary>0.0.0.0/8 and ::, which reach the local host on many systems.</summary>
    Unspecified,
    /// <summary>Cloud instance metadata (169.254.169.254, fd00:ec2::254): never reachable, even with an allow entry.</summary>
    Metadata,
    /// <summary>240.0.0.0/4 and the broadcast address.</summary>
    Reserved,
}
