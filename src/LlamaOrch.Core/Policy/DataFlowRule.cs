namespace LlamaOrch.Core.Policy;

/// <summary>
/// One configured data-flow rule: it matches text by <see cref="Pattern"/> (a regex; a group named <c>secret</c>
/// masks only that group), by the <see cref="SecretRedactor.Detectors"/> it names, or both.
/// </summary>
/// <param name="Name">The rule's name: the <c>policy_label</c> of a refusal and a name in <c>X-Policy-Redacted</c>.</param>
public sealed record DataFlowRule(string Name, DataFlowAction Action, DataFlowScope AppliesTo, string? Pattern = null, IReadOnlyList<string>? Detectors = null)
{
    /// <summary>The default rule: provider API keys, GitHub and AWS tokens and private keys are masked in prompts and artifacts.</summary>
    /// <remarks>Bearer tokens are left out: "bearer" is an ordinary English word, and masking the word after it would change prose.</remarks>
    public static readonly DataFlowRule DefaultSecrets = new(
        "secrets", DataFlowAction.Redact, DataFlowScope.Both, Detectors: ["provider-api-key", "github-token", "aws-access-key", "private-key"]);
}
