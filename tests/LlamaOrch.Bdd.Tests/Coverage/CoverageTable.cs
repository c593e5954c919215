using System.Text;
using System.Text.RegularExpressions;

namespace LlamaOrch.Bdd.Tests.Coverage;

/// <summary>
/// The table of test-harness/bdd/COVERAGE.md, between its <c>&lt;!-- table --&gt;</c> markers: one row per MUST and
/// SHOULD, with the scenarios that quote its id, or "not checkable here: why". The table is rendered from the
/// specs and the features, so that it cannot go stale: only the reasons of the not-checkable rows are written by
/// hand, and they are read back from the file.
/// </summary>
internal static partial class CoverageTable
{
    public const string Start = "<!-- table -->";
    public const string End = "<!-- /table -->";
    public const string NotCheckable = "not checkable here: ";

    /// <summary>The text between the markers, and the reason of each not-checkable row by id.</summary>
    public static (string Table, IReadOnlyDictionary<string, string> Reasons) Read(string markdown)
    {
        var start = markdown.IndexOf(Start, StringComparison.Ordinal);
        var end = markdown.IndexOf(End, StringComparison.Ordinal);
        if (start < 0 || end < start) throw new InvalidOperationException($"COVERAGE.md has no {Start} … {End} block");
        var table = markdown[(start + Start.Length)..end].Trim('\n');
        var reasons = new Dictionary<string, string>();
        foreach (var line in table.Split('\n'))
        {
            var cells = line.Split(" | ");
            if (cells.Length == 4 && cells[3].StartsWith(NotCheckable, StringComparison.Ordinal))
                reasons[cells[0].TrimStart('|', ' ')] = cells[3][NotCheckable.Length..].TrimEnd('|', ' ');
        }
        return (table, reasons);
    }

    public static string Render(IEnumerable<Requirement> requirements, IReadOnlyList<FeatureScenario> scenarios, IReadOnlyDictionary<string, string> reasons)
    {
        var text = new StringBuilder("| id | level | requirement | covered by |\n|---|---|---|---|\n");
        foreach (var requirement in requirements.Where(r => r.NeedsScenario))
        {
            var covering = scenarios.Where(s => s.Ids.Contains(requirement.Id)).Select(s => $"{s.File}: `{s.Name}`").ToList();
            var cell = covering.Count > 0 ? string.Join("<br>", covering)
                : NotCheckable + (reasons.TryGetValue(requirement.Id, out var why) ? why : "(write why)");
            text.Append($"| {requirement.Id} | {requirement.Level} | {Shorten(requirement.Text)} | {cell} |\n");
        }
        return text.ToString().TrimEnd('\n');
    }

    // The spec's words, without the Markdown that would break a table cell, cut at a word near 110 characters.
    private static string Shorten(string text)
    {
        var plain = Markup().Replace(text, "").Replace("|", "/", StringComparison.Ordinal);
        if (plain.Length <= 110) return plain;
        var cut = plain.LastIndexOf(' ', 110);
        return plain[..(cut > 60 ? cut : 110)] + " …";
    }

    [GeneratedRegex(@"`")]
    private static partial Regex Markup();
}
