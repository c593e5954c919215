using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;

namespace LlamaOrch.Server.Tools;

/// <summary>
/// How one fetch ended: a <see cref="Response"/>, or a <see cref="Refusal"/> (the policy's, with its rule as
/// <c>policy_label</c>, or the target's failure). Either way what the audit row needs: the last URL tried, the
/// address checked for it, and the bytes sent and received.
/// </summary>
internal sealed record FetchOutcome(
    HttpFetchResponse? Response,
    Rejection? Refusal,
    Uri LastUrl,
    string? Address,
    long BytesOut,
    long BytesIn)
{
    public string Decision => Response is not null ? "allowed" : Refusal?.PolicyLabel is not null ? "refused" : "failed";

    /// <summary>The refusing rule; for a call the policy let through (answered or failed), the allow decision's.</summary>
    public string Rule => Refusal?.PolicyLabel ?? ToolDecision.Allow.Rule;
}
