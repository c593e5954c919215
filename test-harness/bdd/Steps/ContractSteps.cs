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

    // info: is the document's first block, so its first two-space-indented version: line is info.version.
    [GeneratedRegex(@"^info:\s*\n(?:  .*\n)*?  version:\s*(.+)$", RegexOptions.Multiline)]
    private static partial Regex InfoVersionLine();
}
