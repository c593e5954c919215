using System.Text.Json;
using LlamaOrch.Bdd.Runner;
using LlamaOrch.Bdd.Target;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace LlamaOrch.Bdd.Steps;

/// <summary>
/// Holds the CLI's consumer pact to the OpenAPI documents: a pact may only expect what the documents promise, so an
/// interaction on an undocumented route or with an undocumented status is a drift between the two truths (FR-TH-002).
/// The pact's own replay against a real orchestratord is tests/LlamaOrch.Pact.Tests.
/// </summary>
internal sealed class PactSteps
{
    private JsonElement _pact;

    [Step(@"the pact ""(contracts/pacts/[a-z-]+\.json)"" between ""([a-z-]+)"" and ""([a-z-]+)""")]
    public void Load(string file, string consumer, string provider)
    {
        var path = Path.Combine(RepoLayout.Root, file);
        if (!File.Exists(path)) throw new StepFailedException($"{file} does not exist");
        _pact = JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone();
        var (c, p) = (_pact.GetProperty("consumer").GetProperty("name").GetString(), _pact.GetProperty("provider").GetProperty("name").GetString());
        if (c != consumer || p != provider) throw new StepFailedException($"{file} is between {c} and {p}");
    }

    [Step(@"every interaction is an operation of these documents with its status documented")]
    public async Task Documented(StepTable table)
    {
        var operations = new List<(string[] Segments, string Method, ISet<string> Statuses)>();
        foreach (var row in table.Records)
            operations.AddRange(await OperationsAsync(Path.Combine(RepoLayout.Root, "contracts", "openapi", row["document"])));

        var problems = new List<string>();
        foreach (var interaction in Interactions())
        {
            var request = interaction.GetProperty("request");
            var (method, path) = (request.GetProperty("method").GetString()!, request.GetProperty("path").GetString()!);
            var status = interaction.GetProperty("response").GetProperty("status").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture);
            var segments = path.Split('/');
            var match = operations.FirstOrDefault(o => o.Method == method && Matches(o.Segments, segments));
            if (match.Segments is null) problems.Add($"{method} {path}: no such operation");
            else if (!match.Statuses.Contains(status) && !match.Statuses.Contains("default")) problems.Add($"{method} {path}: status {status} is not documented");
        }
        if (problems.Count > 0) throw new StepFailedException(string.Join("; ", problems));
    }

    [Step(@"the pact expects the header ""([A-Za-z-]+)"" on every (request|response)")]
    public void HeaderEverywhere(string header, string side)
    {
        var without = Interactions().Where(i => !HasHeader(i.GetProperty(side), header)).Select(Description).ToList();
        if (without.Count > 0) throw new StepFailedException($"no {header} on the {side} of: {string.Join("; ", without)}");
    }

    [Step(@"the pact's (\d{3}) answers carry the headers ""([A-Za-z-]+)"" and ""([A-Za-z-]+)""")]
    public void StatusHeaders(int status, string first, string second)
    {
        var answers = Interactions().Where(i => i.GetProperty("response").GetProperty("status").GetInt32() == status).ToList();
        if (answers.Count == 0) throw new StepFailedException($"the pact has no {status} answer");
        var lacking = answers.Where(i => !HasHeader(i.GetProperty("response"), first) || !HasHeader(i.GetProperty("response"), second))
            .Select(Description).ToList();
        if (lacking.Count > 0) throw new StepFailedException($"without {first} and {second}: {string.Join("; ", lacking)}");
    }

    private IEnumerable<JsonElement> Interactions() => _pact.ValueKind == JsonValueKind.Object
        ? _pact.GetProperty("interactions").EnumerateArray()
        : throw new StepFailedException("no pact was read (a step naming the pact comes first)");

    private static string Description(JsonElement interaction) => interaction.GetProperty("description").GetString() ?? "?";

    private static bool HasHeader(JsonElement message, string header) =>
        message.TryGetProperty("headers", out var headers)
        && headers.EnumerateObject().Any(h => string.Equals(h.Name, header, StringComparison.OrdinalIgnoreCase));

    // A documented segment in braces ({id}) matches any one concrete segment.
    private static bool Matches(string[] template, string[] concrete) =>
        template.Length == concrete.Length
        && template.Zip(concrete).All(p => p.First.StartsWith('{') && p.First.EndsWith('}') ? p.Second.Length > 0 : p.First == p.Second);

    private static async Task<IEnumerable<(string[] Segments, string Method, ISet<string> Statuses)>> OperationsAsync(string path)
    {
        var settings = new OpenApiReaderSettings { LoadExternalRefs = true, BaseUrl = new Uri(path) };
        settings.AddYamlReader();
        await using var stream = File.OpenRead(path);
        var (document, diagnostic) = await OpenApiDocument.LoadAsync(stream, "yaml", settings);
        if (document is null || diagnostic?.Errors.Count > 0)
            throw new StepFailedException($"{path} does not read: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        return document.Paths.SelectMany(p => (p.Value.Operations ?? []).Select(o =>
            (p.Key.Split('/'), o.Key.Method.ToUpperInvariant(), (ISet<string>)new HashSet<string>((o.Value.Responses ?? []).Keys, StringComparer.Ordinal))));
    }
}
