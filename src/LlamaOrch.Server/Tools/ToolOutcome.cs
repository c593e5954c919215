using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// How one tool call ended: a <see cref="Response"/>, or a <see cref="Refusal"/> (invalid, the policy's with its
/// rule as <c>policy_label</c>, or a failure of the target); <see cref="Call"/> is the network call when one was
/// made (what the audit row needs: the last URL, the address checked for it, the bytes each way).
/// </summary>
internal sealed record ToolOutcome<T>(T? Response, Rejection? Refusal, CheckedResponse? Call, string Decision) where T : class
{
    /// <summary>The refusing rule; for a call the policy let through (answered or failed), the allow decision's.</summary>
    public string Rule => Decision == ToolDecisions.Invalid ? InvalidRule : Refusal?.PolicyLabel ?? ToolDecision.Allow.Rule;

    /// <summary>The audit rule of a call refused before any policy check.</summary>
    public const string InvalidRule = "invalid-request";

    public static ToolOutcome<T> Answered(T response, CheckedResponse call) => new(response, null, call, ToolDecisions.Allowed);

    /// <summary>The policy's refusal (it has a policy label) or a failure of the target or backend.</summary>
    public static ToolOutcome<T> Refused(Rejection refusal, CheckedResponse? call) =>
        new(null, refusal, call, refusal.PolicyLabel is not null ? ToolDecisions.Refused : ToolDecisions.Failed);

    public static ToolOutcome<T> Invalid(Rejection refusal) => new(null, refusal, null, ToolDecisions.Invalid);
}
