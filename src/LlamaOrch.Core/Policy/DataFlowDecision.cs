namespace LlamaOrch.Core.Policy;

/// <summary>
/// The data-flow policy's answer for one text: allowed as it is, allowed as <see cref="Text"/> with the matches of
/// <see cref="RedactedBy"/> masked, or refused by the rule <see cref="Rule"/>. <see cref="Reason"/> never quotes what matched.
/// </summary>
public sealed record DataFlowDecision(bool Refused, string Text, IReadOnlyList<string> RedactedBy, string? Rule, string? Reason)
{
    public bool Redacted => RedactedBy.Count > 0;

    public static DataFlowDecision Pass(string text) => new(false, text, [], null, null);

    public static DataFlowDecision Refuse(string rule, string reason) => new(true, string.Empty, [], rule, reason);
}
