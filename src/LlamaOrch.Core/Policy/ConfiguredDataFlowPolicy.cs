using System.Text.RegularExpressions;

namespace LlamaOrch.Core.Policy;

/// <summary>
/// The default <see cref="IDataFlowPolicy"/>, from configured rules checked in order: the first rule that matches
/// with <c>allow</c> or <c>refuse</c> decides; a matching <c>redact</c> rule masks its matches and checking goes on
/// with the masked text. Thread-safe: the regexes are immutable.
/// </summary>
public sealed class ConfiguredDataFlowPolicy : IDataFlowPolicy
{
    private readonly (DataFlowRule Rule, Regex[] Matchers)[] _rules;

    /// <exception cref="ArgumentException">A rule has no pattern and no detector, names an unknown detector, or its pattern is not a regex
    /// non-backtracking matching can run (lookarounds, backreferences).</exception>
    public ConfiguredDataFlowPolicy(IEnumerable<DataFlowRule> rules)
    {
        _rules = [.. rules.Select(rule => (rule, Matchers(rule)))];
    }

    public IReadOnlyList<DataFlowRule> Rules => [.. _rules.Select(r => r.Rule)];

    public DataFlowDecision Check(DataFlowScope where, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<string>? redactedBy = null;
        foreach (var (rule, matchers) in _rules)
        {
            if ((rule.AppliesTo & where) == 0) continue;
            if (rule.Action == DataFlowAction.Redact)
            {
                var masked = false;
                foreach (var matcher in matchers)
                {
                    text = matcher.Replace(text, match =>
                    {
                        masked = true;
                        return SecretRedactor.MaskOf(match);
                    });
                }
                if (masked) (redactedBy ??= []).Add(rule.Name);
                continue;
            }
            if (!matchers.Any(m => m.IsMatch(text))) continue;
            if (rule.Action == DataFlowAction.Refuse)
                return DataFlowDecision.Refuse(rule.Name, $"the data-flow rule '{rule.Name}' refuses this {Noun(where)}");
            break; // allow: an exemption, no later rule looks at this text
        }
        return redactedBy is null ? DataFlowDecision.Pass(text) : new DataFlowDecision(false, text, redactedBy, null, null);
    }

    private static string Noun(DataFlowScope where) => where == DataFlowScope.Artifacts ? "artifact content" : "prompt";

    private static Regex[] Matchers(DataFlowRule rule)
    {
        if (string.IsNullOrWhiteSpace(rule.Name)) throw new ArgumentException("a data-flow rule needs a name");
        var matchers = new List<Regex>();
        foreach (var detector in rule.Detectors ?? [])
        {
            if (!SecretRedactor.Detectors.TryGetValue(detector, out var pattern))
                throw new ArgumentException($"rule '{rule.Name}': unknown detector '{detector}' (known: {string.Join(", ", SecretRedactor.Detectors.Keys)})");
            matchers.Add(new Regex(pattern, RegexOptions.CultureInvariant));
        }
        if (rule.Pattern is { } given)
        {
            try
            {
                matchers.Add(new Regex(given, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking));
            }
            catch (Exception error) when (error is ArgumentException or NotSupportedException)
            {
                throw new ArgumentException($"rule '{rule.Name}': pattern '{given}' cannot be used: {error.Message}", error);
            }
        }
        if (matchers.Count == 0) throw new ArgumentException($"rule '{rule.Name}' has neither a pattern nor detectors, so it matches nothing");
        return [.. matchers];
    }
}
