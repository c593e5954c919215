using System.Net;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Core.Tests.Policy;

/// <summary>The default policy decides on URLs and addresses alone; nothing here resolves or connects.</summary>
public sealed class ConfiguredToolPolicyTests
{
    private static ConfiguredToolPolicy Policy(string[]? allow = null, string[]? deny = null) =>
        new(new ToolPolicyOptions { AllowHosts = allow ?? [], DenyHosts = deny ?? [] });

    [Theory]
    [InlineData("ftp://example.com/", ToolPolicyRules.Scheme)]
    [InlineData("file:///etc/passwd", ToolPolicyRules.Scheme)]
    [InlineData("http://example.com:8080/", ToolPolicyRules.Port)]
    [InlineData("https://evil.test/", ToolPolicyRules.DenyList)]
    [InlineData("https://a.b.evil.test/", ToolPolicyRules.DenyList)]
    public void A_target_is_refused_by_the_rule_it_breaks(string url, string rule)
    {
        var decision = Policy(deny: ["*.evil.test", "evil.test"]).CheckTarget(new Uri(url));

        Assert.False(decision.Allowed);
        Assert.Equal(rule, decision.Rule);
    }

    [Fact]
    public void With_an_allow_list_only_its_hosts_pass_and_the_deny_list_wins()
    {
        var policy = Policy(allow: ["*.example.com", "api.test"], deny: ["bad.example.com"]);

        Assert.True(policy.CheckTarget(new Uri("https://docs.example.com/")).Allowed);
        Assert.True(policy.CheckTarget(new Uri("https://API.test/")).Allowed);
        Assert.Equal(ToolPolicyRules.AllowList, policy.CheckTarget(new Uri("https://example.com/")).Rule);
        Assert.Equal(ToolPolicyRules.AllowList, policy.CheckTarget(new Uri("https://notexample.com/")).Rule);
        Assert.Equal(ToolPolicyRules.DenyList, policy.CheckTarget(new Uri("https://bad.example.com/")).Rule);
    }

    [Fact]
    public void An_allow_entry_with_a_port_opens_that_port_for_that_host_only()
    {
        var policy = Policy(allow: ["127.0.0.1:5123", "example.com"]);

        Assert.True(policy.CheckTarget(new Uri("http://127.0.0.1:5123/")).Allowed);
        Assert.Equal(ToolPolicyRules.AllowList, policy.CheckTarget(new Uri("http://127.0.0.1:5124/")).Rule);
        Assert.Equal(ToolPolicyRules.Port, policy.CheckTarget(new Uri("http://example.com:5123/")).Rule);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("10.1.2.3")]
    [InlineData("::ffff:192.168.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("fd00:ec2::254")]
    [InlineData("fe80::1")]
    [InlineData("0.0.0.0")]
    public void Non_public_addresses_are_refused_by_default(string address)
    {
        var decision = Policy().CheckAddress(new Uri("https://example.com/"), IPAddress.Parse(address));

        Assert.False(decision.Allowed);
        Assert.Equal(ToolPolicyRules.AddressClass, decision.Rule);
    }

    [Fact]
    public void A_public_address_passes()
    {
        Assert.True(Policy().CheckAddress(new Uri("https://example.com/"), IPAddress.Parse("93.184.215.14")).Allowed);
    }

    [Fact]
    public void An_exact_allow_entry_lets_its_own_loopback_through_but_a_wildcard_or_another_host_does_not()
    {
        var policy = Policy(allow: ["localhost", "*.example.com"]);
        var loopback = IPAddress.Loopback;

        Assert.True(policy.CheckAddress(new Uri("http://localhost/"), loopback).Allowed);
        Assert.False(policy.CheckAddress(new Uri("http://rebind.example.com/"), loopback).Allowed);
        Assert.False(policy.CheckAddress(new Uri("http://other.test/"), loopback).Allowed);
    }

    [Fact]
    public void Metadata_addresses_stay_refused_even_when_allowed_by_name()
    {
        var policy = Policy(allow: ["169.254.169.254", "metadata.test"]);

        Assert.False(policy.CheckAddress(new Uri("http://169.254.169.254/"), IPAddress.Parse("169.254.169.254")).Allowed);
        Assert.False(policy.CheckAddress(new Uri("http://metadata.test/"), IPAddress.Parse("::ffff:169.254.169.254")).Allowed);
    }

    [Theory]
    [InlineData("http://2130706433/")]
    [InlineData("http://0177.0.0.1/")]
    [InlineData("http://0x7f.1/")]
    [InlineData("http://127.1/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    public void Every_spelling_of_an_allowed_or_denied_address_matches_its_entry(string url)
    {
        Assert.Equal(ToolPolicyRules.DenyList, Policy(deny: ["127.0.0.1"]).CheckTarget(new Uri(url)).Rule);
        Assert.Equal("127.0.0.1", ConfiguredToolPolicy.HostKey(new Uri(url)));
    }

    [Theory]
    [InlineData("127.0.0.1", "vm", "127.0.0.1")] // an exact allow entry names vm: the deny entry still wins
    [InlineData("93.184.215.14", "example.com", "93.184.215.14")] // a public address, denied by address, through a name
    [InlineData("::1", "vm", "::1")]
    [InlineData("127.0.0.1:8080", "vm", "127.0.0.1")]
    public void A_denied_address_is_refused_through_any_name_that_resolves_to_it(string denied, string name, string resolved)
    {
        var decision = Policy(allow: ["vm:8080", "example.com:8080"], deny: [denied]).CheckAddress(new Uri($"http://{name}:8080/"), IPAddress.Parse(resolved));

        Assert.Equal(ToolPolicyRules.DenyList, decision.Rule);
        Assert.Contains(resolved, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_denied_address_on_another_port_does_not_refuse_this_one()
    {
        Assert.True(Policy(allow: ["vm:8080"], deny: ["127.0.0.1:9090"]).CheckAddress(new Uri("http://vm:8080/"), IPAddress.Loopback).Allowed);
    }

    [Theory]
    [InlineData("http://127.0.0.1:18141/")]
    [InlineData("127.0.0.1:18141/")]
    [InlineData("user@example.com")]
    [InlineData("example.com/path")]
    [InlineData("example.com:0")]
    [InlineData("example.com:99999")]
    [InlineData("example.com:http")]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("*.")]
    [InlineData("a.*.example.com")]
    public void An_entry_that_is_not_a_host_is_refused_naming_its_list_and_index(string entry)
    {
        var error = Assert.Throws<ArgumentException>(() => Policy(allow: ["example.com"], deny: ["ok.test", entry]));

        Assert.StartsWith("DenyHosts:1: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Example.COM.")]
    [InlineData("*.example.com:8443")]
    [InlineData("[::1]:8080")]
    [InlineData("::1")]
    [InlineData("0x7f.1")]
    [InlineData("my_host.internal")]
    public void Host_entries_in_every_documented_form_are_accepted(string entry)
    {
        _ = Policy(allow: [entry], deny: [entry]);
    }
}
