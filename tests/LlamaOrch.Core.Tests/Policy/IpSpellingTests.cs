using System.Net;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Core.Tests.Policy;

public sealed class IpSpellingTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("2130706433", "127.0.0.1")]
    [InlineData("0177.0.0.1", "127.0.0.1")]
    [InlineData("0x7f.1", "127.0.0.1")]
    [InlineData("0x7F000001", "127.0.0.1")]
    [InlineData("127.1", "127.0.0.1")]
    [InlineData("127.0.1", "127.0.0.1")]
    [InlineData("017700000001", "127.0.0.1")]
    [InlineData("0xa9.0xfe.0xa9.0xfe", "169.254.169.254")]
    [InlineData("169.16689662", "169.254.169.254")]
    [InlineData("2852039166", "169.254.169.254")]
    [InlineData("10.0x0.00.1", "10.0.0.1")]
    [InlineData("0", "0.0.0.0")]
    [InlineData("127.0.0.1.", "127.0.0.1")]
    [InlineData("[::1]", "::1")]
    [InlineData("::ffff:127.0.0.1", "127.0.0.1")]
    [InlineData("[::ffff:7f00:1]", "127.0.0.1")]
    [InlineData("::ffff:a9fe:a9fe", "169.254.169.254")]
    [InlineData("fe80::1%eth0", "fe80::1")]
    [InlineData("FD00:EC2::254", "fd00:ec2::254")]
    public void Every_spelling_of_an_address_reads_as_that_address(string host, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), IpSpelling.Parse(host));
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1.example.com")]
    [InlineData("1.2.3.4.5")]
    [InlineData("256.0.0.1")]
    [InlineData("1.2.3.256")]
    [InlineData("1.2.65536")]
    [InlineData("4294967296")]
    [InlineData("08.0.0.1")]
    [InlineData("0x1g.0.0.1")]
    [InlineData("1..2")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("::zz")]
    public void A_name_or_a_malformed_number_is_not_an_address(string host)
    {
        Assert.Null(IpSpelling.Parse(host));
    }

    [Fact]
    public void Unmap_turns_an_ipv4_mapped_address_into_ipv4_and_leaves_others()
    {
        Assert.Equal(IPAddress.Parse("10.1.2.3"), IpSpelling.Unmap(IPAddress.Parse("::ffff:10.1.2.3")));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), IpSpelling.Unmap(IPAddress.Parse("2001:db8::1")));
    }
}
