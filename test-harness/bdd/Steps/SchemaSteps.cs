using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using LlamaOrch.Bdd.Runner;
using LlamaOrch.Bdd.Target;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace LlamaOrch.Bdd.Steps;

/// <summary>
/// Answers and frames held to the schemas the OpenAPI documents declare, as the provider side of the contract: the
/// document is read by Microsoft.OpenApi, written back as JSON, and its component schemas become the <c>$defs</c> of
/// one JSON Schema 2020-12 (OpenAPI 3.1's dialect) that JsonSchema.Net evaluates.
/// </summary>
internal sealed class SchemaSteps(ScenarioContext context)
{
    private const string ComponentsPrefix = "#/components/schemas/";
    private static readonly ConcurrentDictionary<string, Lazy<Task<JsonObject>>> Documents = new();
    private readonly ApiWorld _world = context.Get<ApiWorld>();

    [Step(@"the JSON is valid under the schema ""([A-Za-z]+)"" of ""(contracts/openapi/[a-z]+\.yaml)""")]
    public async Task Valid(string schema, string document)
    {
        using var json = JsonDocument.Parse(_world.Body);
        Check(await SchemasAsync(document), schema, json.RootElement, "the answer");
    }

    [Step(@"every frame is valid under the schema ""([A-Za-z]+)"" of ""(contracts/openapi/[a-z]+\.yaml)""")]
    public async Task FramesValid(string schema, string document)
    {
        if (_world.Frames.Count == 0) throw new StepFailedException("no frame was read");
        var schemas = await SchemasAsync(document);
        foreach (var frame in _world.Frames)
        {
            // A task stream's frame is held as the document models it: {event, data}.
            var node = new JsonObject { ["event"] = frame.Event, ["data"] = JsonNode.Parse(frame.Data) };
            using var json = JsonDocument.Parse(node.ToJsonString());
            Check(schemas, schema, json.RootElement, $"the {frame.Event} frame");
        }
    }

    private static void Check(JsonObject schemas, string schema, JsonElement data, string what)
    {
        if (!schemas.ContainsKey(schema)) throw new StepFailedException($"the document declares no schema {schema}");
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = schemas.DeepClone(),
            ["$ref"] = "#/$defs/" + schema,
        };
        var result = JsonSchema.FromText(root.ToJsonString()).Evaluate(data, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return;
        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
        throw new StepFailedException($"{what} breaks {schema}: {JsonPath.Shorten(data.GetRawText())}\n        {string.Join("\n        ", errors.Take(8))}");
    }

    private static Task<JsonObject> SchemasAsync(string document) =>
        Documents.GetOrAdd(document, d => new Lazy<Task<JsonObject>>(() => LoadAsync(d))).Value;

    private static async Task<JsonObject> LoadAsync(string document)
    {
        var path = Path.Combine(RepoLayout.Root, document);
        var settings = new OpenApiReaderSettings { LoadExternalRefs = true, BaseUrl = new Uri(path) };
        settings.AddYamlReader();
        await using var stream = File.OpenRead(path);
        var (read, diagnostic) = await OpenApiDocument.LoadAsync(stream, "yaml", settings);
        if (read is null || diagnostic?.Errors.Count > 0)
            throw new StepFailedException($"{document} does not read: {string.Join("; ", diagnostic?.Errors.Select(e => e.Message) ?? [])}");
        var json = JsonNode.Parse(await read.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1))!;
        var schemas = json["components"]?["schemas"]?.AsObject() ?? throw new StepFailedException($"{document} has no component schemas");
        Rewrite(schemas);
        return schemas;
    }

    private static void Rewrite(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["$ref"] is JsonValue value && value.GetValue<string>() is var target && target.StartsWith(ComponentsPrefix, StringComparison.Ordinal))
                    obj["$ref"] = "#/$defs/" + target[ComponentsPrefix.Length..];
                foreach (var (_, child) in obj.ToList()) Rewrite(child);
                break;
            case JsonArray array:
                foreach (var child in array) Rewrite(child);
                break;
        }
    }
}
