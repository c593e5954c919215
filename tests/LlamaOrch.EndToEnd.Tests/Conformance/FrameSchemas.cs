using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using Microsoft.OpenApi;

namespace LlamaOrch.EndToEnd.Tests.Conformance;

/// <summary>
/// The frame schemas one OpenAPI document declares, as JSON Schema 2020-12 (OpenAPI 3.1's schema dialect): Prism
/// does not read event streams, so each SSE frame is held to its schema here. The document is read by the same
/// reader as the contract tests and written back as JSON; its components become <c>$defs</c> of one root schema so
/// that every <c>$ref</c> between them resolves.
/// </summary>
internal sealed class FrameSchemas
{
    private const string ComponentsPrefix = "#/components/schemas/";
    private readonly JsonObject _schemas;

    private FrameSchemas(JsonObject schemas) => _schemas = schemas;

    public static async Task<FrameSchemas> LoadAsync(string file)
    {
        var document = await OpenApiContracts.LoadAsync(file);
        var json = JsonNode.Parse(await document.SerializeAsJsonAsync(OpenApiSpecVersion.OpenApi3_1))!;
        var schemas = json["components"]!["schemas"]!.AsObject();
        Rewrite(schemas);
        return new FrameSchemas(schemas);
    }

    /// <summary>Fails, naming the frame and each error, unless <paramref name="data"/> is valid under the named component schema.</summary>
    public void AssertValid(string schema, JsonElement data, string what)
    {
        Assert.True(_schemas.ContainsKey(schema), $"{what}: the document declares no schema {schema}");
        var root = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["$defs"] = _schemas.DeepClone(),
            ["$ref"] = "#/$defs/" + schema,
        };
        var result = JsonSchema.FromText(root.ToJsonString()).Evaluate(data, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid) return;
        var errors = (result.Details ?? []).Where(d => d.Errors is not null)
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Key}: {e.Value}"));
        Assert.Fail($"{what} breaks {schema}: {data.GetRawText()}\n{string.Join("\n", errors)}");
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
