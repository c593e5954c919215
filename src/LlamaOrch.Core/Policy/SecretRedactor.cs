using System.Text.RegularExpressions;

namespace LlamaOrch.Core.Policy;

/// <summary>
/// Replaces secrets in text by <see cref="Mask"/>: common token formats (bearer tokens, OpenAI and Anthropic
/// <c>sk-</c> keys, GitHub tokens, AWS access key ids, PEM private keys) plus the operator's own patterns. A
/// pattern with a group named <c>secret</c> masks only that group, so what surrounds it stays readable.
/// Thread-safe: the regexes are immutable.
/// </summary>
public sealed class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    /// <summary>The built-in detectors by name, as data-flow rules name them (<c>detectors</c>).</summary>
    public static readonly IReadOnlyDictionary<string, string> Detectors = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["bearer-token"] = @"(?i)\bbearer\s+(?<secret>[A-Za-z0-9\-._~+/]+=*)",
        ["provider-api-key"] = @"\bsk-(?:ant-)?[A-Za-z0-9_\-]{16,}",
        ["github-token"] = @"\bgh[pousr]_[A-Za-z0-9]{36,}|\bgithub_pat_[A-Za-z0-9_]{22,}",
        ["aws-access-key"] = @"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
        ["private-key"] = @"-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)",
    };

    private readonly Regex[] _patterns;

    /// <param name="patterns">The operator's patterns; matched without backtracking, so none can stall a call.</param>
    /// <exception cref="ArgumentException">A pattern is not a regex, or uses what non-backtracking matching cannot (lookarounds, backreferences).</exception>
    public SecretRedactor(IEnumerable<string> patterns)
    {
        _patterns =
        [
            .. Detectors.Values.Select(p => new Regex(p, RegexOptions.CultureInvariant)),
            .. patterns.Select(p => new Regex(p, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking)),
        ];
    }

    /// <summary>The text with every secret masked, and how many were.</summary>
    public string Redact(string text, out int count)
    {
        var found = 0;
        foreach (var pattern in _patterns)
        {
            text = pattern.Replace(text, match =>
            {
                found++;
                return MaskOf(match);
            });
        }
        count = found;
        return text;
    }

    /// <summary>What replaces a match: <see cref="Mask"/>, or the match with only its <c>secret</c> group masked.</summary>
    internal static string MaskOf(Match match)
    {
        var secret = match.Groups["secret"];
        return secret.Success
            ? string.Concat(match.Value.AsSpan(0, secret.Index - match.Index), Mask, match.Value.AsSpan(secret.Index - match.Index + secret.Length))
            : Mask;
    }
}
