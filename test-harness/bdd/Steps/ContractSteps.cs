using System.Text.RegularExpressions;
using LlamaOrch.Bdd.Runner;
using LlamaOrch.Bdd.Target;

namespace LlamaOrch.Bdd.Steps;

/// <summary>Checks of answers against the repository's OpenAPI documents.</summary>
internal sealed partial class ContractSteps(ScenarioContext context)
{
    private readonly ApiWorld _world = context.Get<ApiWorld>();

    [Step(@"the JSON at ""([^""]*)"" is the info\.version of ""(contracts/openapi/[a-z]+\.yaml)""")]
    public void InfoVersion(string path, string document)
    {
        var text = File.ReadAllText(Path.Combine(RepoLayout.Root, document));
        var version = InfoVersionLine().Match(text) is { Success: true } m ? m.Groups[1].Value.Trim().Trim('\'', '"')
            : throw new StepFailedException($"{document} has no info.version");
        var actual = JsonPath.Text(JsonPath.Get(_world.Json, path));
        if (actual != version) throw new StepFailedException($"{path} is {actual}; {document} says {version}");
    }

    [Step(@"each of these endpoints is documented in its OpenAPI document")]
    public void Documented(StepTable table)
    {
        var missing = new List<string>();
        foreach (var row in table.Records)
        {
            var (method, path, document) = (row["method"].ToLowerInvariant(), row["path"], row["document"]);
            var lines = File.ReadAllLines(Path.Combine(RepoLayout.Root, "contracts", "openapi", document));
            // paths: are two-space keys; their operations four-space keys below them, up to the next path.
            var at = Array.IndexOf(lines, $"  {path}:");
            var found = at >= 0 && lines.Skip(at + 1).TakeWhile(l => !(l.StartsWith("  ", StringComparison.Ordinal) && !l.StartsWith("   ", StringComparison.Ordinal)) && !(l.Length > 0 && l[0] != ' '))
                .Any(l => l == $"    {method}:");
            if (!found) missing.Add($"{row["method"]} {path} in {document}");
        }
        if (missing.Count > 0) throw new StepFailedException($"not documented: {string.Join("; ", missing)}");
    }

    // info: is the document's first block, so its first two-space-indented version: line is info.version.
    [GeneratedRegex(@"^info:\s*\n(?:  .*\n)*?  version:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex InfoVersionLine();
}
