namespace LlamaOrch.Core.Policy;

/// <summary>The policy's answer for one target: allowed, or refused by the rule <see cref="Rule"/> (the wire <c>policy_label</c>).</summary>
public sealed record ToolDecision(bool Allowed, string Rule, string Reason)
{
    public static readonly ToolDecision Allow = new(true, "allowed", "allowed");

    public static ToolDecision Refuse(string rule, string reason) => new(false, rule, reason);
}
