using LlamaOrch.Core.Policy;

namespace LlamaOrch.Core.Tests.Policy;

public sealed class ConfiguredDataFlowPolicyTests
{
    private const string ApiKey = "sk-proj-abcdefghijklmnop1234";
    private static readonly ConfiguredDataFlowPolicy Defaults = new([DataFlowRule.DefaultSecrets]);

    [Theory]
    [InlineData(DataFlowScope.Prompts)]
    [InlineData(DataFlowScope.Artifacts)]
    public void The_default_rule_masks_provider_keys_and_private_keys_in_prompts_and_artifacts(DataFlowScope where)
    {
        var decision = Defaults.Check(where, $"use {ApiKey} and\n-----BEGIN EC PRIVATE KEY-----\nMHcCAQ\n-----END EC PRIVATE KEY-----\nthanks");

        Assert.False(decision.Refused);
        Assert.Equal("use [REDACTED] and\n[REDACTED]\nthanks", decision.Text);
        Assert.Equal(["secrets"], decision.RedactedBy);
    }

    [Theory]
    [InlineData("The bearer of good news knocked twice.")]
    [InlineData("Once upon a time there was a little dog.")]
    public void The_default_rule_leaves_prose_alone(string prose)
    {
        var decision = Defaults.Check(DataFlowScope.Prompts, prose);

        Assert.False(decision.Redacted);
        Assert.Equal(prose, decision.Text);
    }

    [Fact]
    public void A_refusal_names_its_rule_and_never_quotes_what_matched()
    {
        var policy = new ConfiguredDataFlowPolicy([new DataFlowRule("no-codenames", DataFlowAction.Refuse, DataFlowScope.Both, Pattern: "(?i)project nightingale")]);

        var decision = policy.Check(DataFlowScope.Prompts, "tell me about Project Nightingale");

        Assert.True(decision.Refused);
        Assert.Equal("no-codenames", decision.Rule);
        Assert.DoesNotContain("ightingale", decision.Reason!, StringComparison.OrdinalIgnoreCase);
        Assert.False(policy.Check(DataFlowScope.Prompts, "tell me about birds").Refused);
    }

    [Fact]
    public void A_rule_applies_only_where_it_is_configured_to()
    {
        var policy = new ConfiguredDataFlowPolicy([new DataFlowRule("prompts-only", DataFlowAction.Refuse, DataFlowScope.Prompts, Pattern: "forbidden")]);

        Assert.True(policy.Check(DataFlowScope.Prompts, "a forbidden word").Refused);
        Assert.False(policy.Check(DataFlowScope.Artifacts, "a forbidden word").Refused);
    }

    [Fact]
    public void The_first_allow_or_refuse_rule_that_matches_decides_and_redactions_before_it_stay()
    {
        var policy = new ConfiguredDataFlowPolicy(
        [
            DataFlowRule.DefaultSecrets,
            new DataFlowRule("public-docs", DataFlowAction.Allow, DataFlowScope.Both, Pattern: "^PUBLIC:"),
            new DataFlowRule("no-passwords", DataFlowAction.Refuse, DataFlowScope.Both, Pattern: "password"),
        ]);

        var exempt = policy.Check(DataFlowScope.Prompts, $"PUBLIC: the password field, key {ApiKey}");
        Assert.False(exempt.Refused);
        Assert.Equal("PUBLIC: the password field, key [REDACTED]", exempt.Text);
        Assert.Equal(["secrets"], exempt.RedactedBy);

        var refused = policy.Check(DataFlowScope.Prompts, "the password field");
        Assert.True(refused.Refused);
        Assert.Equal("no-passwords", refused.Rule);
    }

    [Fact]
    public void A_refusal_sees_the_text_as_earlier_rules_masked_it()
    {
        // The secret is masked first, so a later rule looking for it no longer finds it.
        var policy = new ConfiguredDataFlowPolicy(
        [
            DataFlowRule.DefaultSecrets,
            new DataFlowRule("no-keys", DataFlowAction.Refuse, DataFlowScope.Both, Pattern: "sk-proj-"),
        ]);

        Assert.False(policy.Check(DataFlowScope.Prompts, ApiKey).Refused);
    }

    [Fact]
    public void A_pattern_with_a_secret_group_masks_only_that_group()
    {
        var policy = new ConfiguredDataFlowPolicy([new DataFlowRule("customer-ids", DataFlowAction.Redact, DataFlowScope.Both, Pattern: "customer=(?<secret>[0-9]+)")]);

        var decision = policy.Check(DataFlowScope.Artifacts, "row customer=12345 ok, customer=678");

        Assert.Equal("row customer=[REDACTED] ok, customer=[REDACTED]", decision.Text);
        Assert.Equal(["customer-ids"], decision.RedactedBy);
    }

    [Fact]
    public void Detectors_can_be_picked_one_by_one()
    {
        var policy = new ConfiguredDataFlowPolicy([new DataFlowRule("bearer", DataFlowAction.Redact, DataFlowScope.Prompts, Detectors: ["bearer-token"])]);

        Assert.Equal("Authorization: Bearer [REDACTED]", policy.Check(DataFlowScope.Prompts, "Authorization: Bearer abc.def").Text);
        Assert.Equal(ApiKey, policy.Check(DataFlowScope.Prompts, ApiKey).Text);
    }

    [Fact]
    public void No_rules_let_everything_through()
    {
        var decision = new ConfiguredDataFlowPolicy([]).Check(DataFlowScope.Prompts, ApiKey);

        Assert.Equal(ApiKey, decision.Text);
        Assert.False(decision.Redacted);
        Assert.False(decision.Refused);
    }

    [Theory]
    [InlineData(null, null, "neither a pattern nor detectors")]
    [InlineData(null, "no-such-detector", "unknown detector 'no-such-detector'")]
    [InlineData("(?<=x)y", null, "cannot be used")]
    [InlineData("([a-z", null, "cannot be used")]
    public void A_rule_that_cannot_match_is_refused_when_the_policy_is_made(string? pattern, string? detector, string problem)
    {
        var rule = new DataFlowRule("bad", DataFlowAction.Redact, DataFlowScope.Both, pattern, detector is null ? null : [detector]);

        var error = Assert.Throws<ArgumentException>(() => new ConfiguredDataFlowPolicy([rule]));

        Assert.Contains(problem, error.Message);
        Assert.Contains("'bad'", error.Message);
    }
}
