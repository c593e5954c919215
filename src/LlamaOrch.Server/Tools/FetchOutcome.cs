using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Admission;

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

    public string Rule => Refusal?.PolicyLabel ?? "allowed";
}
