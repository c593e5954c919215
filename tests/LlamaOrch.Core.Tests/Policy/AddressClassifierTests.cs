using System.Net;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Core.Tests.Policy;

public sealed class AddressClassifierTests
{
    [Theory]
    [InlineData("127.0.0.1", AddressClass.Loopback)]
    [InlineData("127.255.255.254", AddressClass.Loopback)]
    [InlineData("::1", AddressClass.Loopback)]
    [InlineData("::ffff:127.0.0.1", AddressClass.Loopback)]
    [InlineData("::127.0.0.1", AddressClass.Loopback)]
    [InlineData("10.0.0.1", AddressClass.Private)]
    [InlineData("172.16.0.1", AddressClass.Private)]
    [InlineData("172.31.255.255", AddressClass.Private)]
    [InlineData("192.168.1.1", AddressClass.Private)]
    [InlineData("100.64.0.1", AddressClass.Private)]
    [InlineData("100.127.255.255", AddressClass.Private)]
    [InlineData("fc00::1", AddressClass.Private)]
    [InlineData("fd12:3456::1", AddressClass.Private)]
    [InlineData("::ffff:192.168.0.1", AddressClass.Private)]
    [InlineData("169.254.1.1", AddressClass.LinkLocal)]
    [InlineData("fe80::1", AddressClass.LinkLocal)]
    [InlineData("febf::1", AddressClass.LinkLocal)]
    [InlineData("224.0.0.1", AddressClass.Multicast)]
    [InlineData("239.255.255.250", AddressClass.Multicast)]
    [InlineData("ff02::1", AddressClass.Multicast)]
    [InlineData("0.0.0.0", AddressClass.Unspecified)]
    [InlineData("0.1.2.3", AddressClass.Unspecified)]
    [InlineData("::", AddressClass.Unspecified)]
    [InlineData("169.254.169.254", AddressClass.Metadata)]
    [InlineData("::ffff:169.254.169.254", AddressClass.Metadata)]
    [InlineData("fd00:ec2::254", AddressClass.Metadata)]
    [InlineData("240.0.0.1", AddressClass.Reserved)]
    [InlineData("255.255.255.255", AddressClass.Reserved)]
    [InlineData("8.8.8.8", AddressClass.Public)]
    [InlineData("172.32.0.1", AddressClass.Public)]
    [InlineData("172.15.255.255", AddressClass.Public)]
    [InlineData("100.128.0.1", AddressClass.Public)]
    [InlineData("100.63.255.255", AddressClass.Public)]
    [InlineData("192.169.0.1", AddressClass.Public)]
    [InlineData("2001:4860:4860::8888", AddressClass.Public)]
    [InlineData("fec0::1", AddressClass.Public)]
    public void Each_address_falls_in_its_class(string address, AddressClass expected)
    {
        Assert.Equal(expected, AddressClassifier.Classify(IPAddress.Parse(address)));
    }
}
