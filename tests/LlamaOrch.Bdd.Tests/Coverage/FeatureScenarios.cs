using System.Text.RegularExpressions;
using Gherkin;
using Gherkin.Ast;

namespace LlamaOrch.Bdd.Tests.Coverage;

/// <summary>A scenario (or outline, once) of a feature file, by its name as written, and the requirement ids its name quotes.</summary>
internal sealed partial record FeatureScenario(string File, string Name)
{
    public IReadOnlyList<string> Ids => [.. IdPattern().Matches(Name).Select(m => m.Value)];

    public static IReadOnlyList<FeatureScenario> Load(string featuresDir)
    {
        var found = new List<FeatureScenario>();
        foreach (var path in Directory.EnumerateFiles(featuresDir, "*.feature", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var file = Path.GetRelativePath(featuresDir, path).Replace('\\', '/');
            var feature = new Parser().Parse(path).Feature;
            if (feature is null) continue;
            foreach (var child in feature.Children)
            {
                if (child is Scenario s) found.Add(new FeatureScenario(file, s.Name));
                else if (child is Rule rule) found.AddRange(rule.Children.OfType<Scenario>().Select(rs => new FeatureScenario(file, rs.Name)));
            }
        }
        return found;
    }

    /// <summary>What a requirement id looks like in a scenario's name: <c>FR-DP-001</c>, <c>HP-10.4</c>.</summary>
    [GeneratedRegex(@"\b(?:FR-[A-Z]{2}-\d{3}|HP-\d+\.\d+)\b")]
    public static partial Regex IdPattern();
}
