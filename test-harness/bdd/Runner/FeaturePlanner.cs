using Gherkin;
using Gherkin.Ast;

namespace LlamaOrch.Bdd.Runner;

/// <summary>
/// Reads feature files with the Gherkin parser and lays out their scenarios: backgrounds (the feature's, then
/// a rule's) before each scenario's own steps, and one scenario per row of an outline's examples.
/// </summary>
internal static class FeaturePlanner
{
    /// <summary>The .feature files of <paramref name="path"/>: the file itself, or every one under the folder, in name order.</summary>
    public static IReadOnlyList<string> FeatureFiles(string path)
    {
        if (File.Exists(path)) return [Path.GetFullPath(path)];
        if (Directory.Exists(path))
        {
            return [.. Directory.EnumerateFiles(path, "*.feature", SearchOption.AllDirectories)
                .Select(Path.GetFullPath).Order(StringComparer.Ordinal)];
        }
        throw new FileNotFoundException($"no feature file or folder at {path}");
    }

    /// <exception cref="CompositeParserException">The file is not valid Gherkin.</exception>
    public static IReadOnlyList<PlannedScenario> Plan(string file)
    {
        var document = new Parser().Parse(file);
        var feature = document.Feature;
        if (feature is null) return [];
        var planned = new List<PlannedScenario>();
        var background = new List<Step>();
        foreach (var child in feature.Children)
        {
            switch (child)
            {
                case Background b: background.AddRange(b.Steps); break;
                case Scenario s: planned.AddRange(Expand(feature.Name, file, background, s)); break;
                case Rule rule:
                    var ruleBackground = new List<Step>(background);
                    foreach (var ruleChild in rule.Children)
                    {
                        if (ruleChild is Background rb) ruleBackground.AddRange(rb.Steps);
                        else if (ruleChild is Scenario rs) planned.AddRange(Expand(feature.Name, file, ruleBackground, rs));
                    }
                    break;
            }
        }
        return planned;
    }

    private static IEnumerable<PlannedScenario> Expand(string feature, string file, IReadOnlyList<Step> background, Scenario scenario)
    {
        var examples = scenario.Examples.Where(e => e.TableHeader is not null).ToList();
        if (examples.Count == 0)
        {
            yield return new PlannedScenario(feature, scenario.Name, file, scenario.Location.Line,
                [.. background.Concat(scenario.Steps).Select(s => Planned(s, NoValues))]);
            yield break;
        }
        foreach (var table in examples)
        {
            var header = table.TableHeader.Cells.Select(c => c.Value).ToList();
            foreach (var row in table.TableBody)
            {
                var values = header.Zip(row.Cells.Select(c => c.Value)).ToDictionary(p => p.First, p => p.Second);
                yield return new PlannedScenario(feature, Fill(scenario.Name, values), file, row.Location.Line,
                    [.. background.Select(s => Planned(s, NoValues)).Concat(scenario.Steps.Select(s => Planned(s, values)))]);
            }
        }
    }

    private static readonly Dictionary<string, string> NoValues = [];

    private static PlannedStep Planned(Step step, IReadOnlyDictionary<string, string> values)
    {
        object? argument = step.DocString is { } doc ? Fill(doc.Content, values)
            : step.DataTable is { } table ? new StepTable([.. table.Rows.Select(r => (IReadOnlyList<string>)[.. r.Cells.Select(c => Fill(c.Value, values))])])
            : null;
        return new PlannedStep(step.Keyword.Trim(), Fill(step.Text, values), argument, step.Location.Line);
    }

    private static string Fill(string text, IReadOnlyDictionary<string, string> values) =>
        values.Aggregate(text, (acc, kv) => acc.Replace("<" + kv.Key + ">", kv.Value, StringComparison.Ordinal));
}
