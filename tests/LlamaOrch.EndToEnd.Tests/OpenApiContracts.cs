using LlamaOrch.Testing;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// The documents in contracts/openapi, read by Microsoft.OpenApi's YAML reader: a test sees the object model
/// a client generator would, and a reader error or warning fails the test that loads the document.
/// </summary>
internal static class OpenApiContracts
{
    public const string Data = "data.yaml";
    public const string Control = "control.yaml";
    public const string Anthropic = "anthropic.yaml";
    public const string OpenAi = "openai.yaml";

    public static IReadOnlyList<string> All { get; } = [Data, Control, Anthropic, OpenAi];

    public static async Task<OpenApiDocument> LoadAsync(string file) => (await ReadAsync(file)).Document;

    /// <summary>The document and the OpenAPI version it declares (the <c>openapi</c> field).</summary>
    public static async Task<(OpenApiDocument Document, OpenApiSpecVersion Version)> ReadAsync(string file)
    {
        var path = RepoPaths.InRepo("contracts", "openapi", file);
        // control.yaml takes the error envelope and shared responses from data.yaml: only with the referenced
        // document loaded beside it do those $refs resolve. One that points at nothing gets no diagnostic, which
        // is why OpenApiContractTests resolves every response.
        var settings = new OpenApiReaderSettings { LoadExternalRefs = true, BaseUrl = new Uri(path) };
        settings.AddYamlReader();
        await using var stream = File.OpenRead(path);
        var (document, diagnostic) = await OpenApiDocument.LoadAsync(stream, "yaml", settings);

        Assert.NotNull(diagnostic);
        var problems = diagnostic.Errors.Concat(diagnostic.Warnings).Select(e => $"{e.Pointer}: {e.Message}").ToList();
        Assert.True(problems.Count == 0, $"{file}: {string.Join("; ", problems)}");
        Assert.NotNull(document);
        return (document, diagnostic.SpecificationVersion);
    }
}
