using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// How one policy-checked call ended: an <see cref="Answer"/>, or a <see cref="Refusal"/> (the policy's, with its
/// rule as <c>policy_label</c>, or the target's failure). Either way what the audit row needs: the last URL tried,
/// the address checked for it, and the bytes sent and received.
/// </summary>
internal sealed record CheckedResponse(
    CheckedAnswer? Answer,
    Rejection? Refusal,
    Uri LastUrl,
    string? Address,
    long BytesOut,
    long BytesIn)
{
    public string Decision => Answer is not null ? ToolDecisions.Allowed : Refusal?.PolicyLabel is not null ? ToolDecisions.Refused : ToolDecisions.Failed;

    /// <summary>The refusing rule; for a call the policy let through (answered or failed), the allow decision's.</summary>
    public string Rule => Refusal?.PolicyLabel ?? ToolDecision.Allow.Rule;
}

/// <summary>What the target answered, as read: status, headers (unredacted), the body up to the limit, and how many redirects led there.</summary>
internal sealed record CheckedAnswer(int Status, IReadOnlyList<(string Name, string Value)> Headers, byte[] Body, bool Truncated, int Redirects);
