using System.Text.RegularExpressions;

namespace LlamaOrch.Bdd.Tests.Coverage;

/// <summary>
/// Reads the requirement ids out of the two specs. The CLI requirements name theirs (<c>FR‑DP‑001 (MUST)</c>, with
/// non-breaking hyphens, read as ASCII ones). The home profile names none, so each top-level bullet of a numbered
/// section gets <c>HP-&lt;section&gt;.&lt;n&gt;</c>, n counting every bullet of the section from 1 (nested bullets,
/// such as §8's list of series, belong to theirs); its level is the strongest keyword in it, in any case, since
/// §12 writes some in lower case ("Contracts must include …").
/// </summary>
internal static partial class SpecRequirements
{
    public static IReadOnlyList<Requirement> Cli(string text)
    {
        var found = new List<Requirement>();
        foreach (var line in text.Split('\n'))
        {
            var m = CliLine().Match(line.Replace('\u2011', '-'));
            if (m.Success) found.Add(new Requirement($"FR-{m.Groups[1].Value}-{m.Groups[2].Value}", m.Groups[3].Value, m.Groups[4].Value.Trim()));
        }
        return found;
    }

    public static IReadOnlyList<Requirement> HomeProfile(string text)
    {
        var found = new List<Requirement>();
        string? section = null;
        var bullet = 0;
        foreach (var line in text.Split('\n'))
        {
            if (SectionLine().Match(line) is { Success: true } s)
            {
                section = s.Groups[1].Value;
                bullet = 0;
            }
            else if (line.StartsWith("## ", StringComparison.Ordinal)) section = null;
            else if (section is not null && line.StartsWith("- ", StringComparison.Ordinal))
            {
                bullet++;
                var body = line[2..].Trim();
                found.Add(new Requirement($"HP-{section}.{bullet}", LevelOf(body), body));
            }
        }
        return found;
    }

    private static string LevelOf(string text)
    {
        if (Keyword("must").IsMatch(text)) return "MUST";
        if (Keyword("should").IsMatch(text)) return "SHOULD";
        return Keyword("may").IsMatch(text) ? "MAY" : "";
    }

    private static Regex Keyword(string word) => new($@"\b{word}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    [GeneratedRegex(@"^- FR-([A-Z]{2})-(\d{3}) \((MUST|SHOULD|MAY)\):(.*)$")]
    private static partial Regex CliLine();

    [GeneratedRegex(@"^## (\d+)\. ")]
    private static partial Regex SectionLine();
}
