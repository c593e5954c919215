using LlamaOrch.Bdd.Runner;
using LlamaOrch.Bdd.Target;

namespace LlamaOrch.Bdd.Steps;

/// <summary>Requirements that ask for documentation: the repository's documents and what they name.</summary>
internal sealed class DocumentSteps
{
    [Step(@"the document ""([^""]+)"" mentions each of")]
    public void Mentions(string document, StepTable table)
    {
        var path = Path.Combine(RepoLayout.Root, document);
        if (!File.Exists(path)) throw new StepFailedException($"no {document} in the repository");
        var text = File.ReadAllText(path);
        var missing = table.Records.Select(r => r["text"]).Where(t => !text.Contains(t, StringComparison.Ordinal)).ToList();
        if (missing.Count > 0) throw new StepFailedException($"{document} does not mention {string.Join(", ", missing)}");
    }
}
