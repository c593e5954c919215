using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.OpenApi;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>contracts/openapi/data.yaml, control.yaml and openai.yaml together must describe exactly the operations orchestratord maps.</summary>
public sealed class OpenApiContractTests(FastPoolFixture fixture) : IClassFixture<FastPoolFixture>
{
    [Fact]
    public async Task The_contracts_list_every_mapped_operation_and_no_other()
    {
        var mapped = fixture.Orchestrator.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            // MapMcp's group maps "/v1/mcp/", which routing matches without the slash too: documented as /v1/mcp.
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m.ToLowerInvariant()} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order()
            .ToList();

        Assert.Contains("post /v1/tasks", mapped);
        var documented = new List<string>();
        foreach (var file in OpenApiContracts.All)
        {
            var document = await OpenApiContracts.LoadAsync(file);
            documented.AddRange(document.Paths.SelectMany(path => (path.Value.Operations ?? []).Keys
                .Select(method => $"{method.Method.ToLowerInvariant()} {path.Key}")));
        }
        Assert.Equal(mapped, documented.Order());
    }

    [Theory]
    [InlineData(OpenApiContracts.Data)]
    [InlineData(OpenApiContracts.Control)]
    [InlineData(OpenApiContracts.Anthropic)]
    [InlineData(OpenApiContracts.OpenAi)]
    public async Task Each_contract_is_openapi_3_1_and_publishes_the_api_version_the_server_serves(string file)
    {
        var served = JsonNode.Parse(await fixture.Orchestrator.Http.GetStringAsync("/v1/capabilities"))!["api_version"]!.GetValue<string>();

        var (document, version) = await OpenApiContracts.ReadAsync(file);

        Assert.Equal(OpenApiSpecVersion.OpenApi3_1, version);
        Assert.Matches(@"^\d+\.\d+\.\d+$", document.Info.Version);
        Assert.Equal(served, document.Info.Version);
    }

    [Fact]
    public async Task The_error_code_enum_holds_every_code_the_server_sends_and_stream_errors_use_it()
    {
        var schemas = (await OpenApiContracts.LoadAsync(OpenApiContracts.Data)).Components!.Schemas!;
        var documented = schemas["ErrorCode"].Enum!.Select(code => code.GetValue<string>()).Order().ToList();
        var sent = typeof(LlamaOrch.Contracts.Errors.ErrorCodes).GetFields()
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).Order().ToList();

        Assert.Equal(sent, documented);
        var code = Assert.IsType<OpenApiSchemaReference>(schemas["StreamErrorFrame"].Properties!["code"]);
        Assert.Equal("ErrorCode", code.Reference.Id);
    }

    /// <summary>
    /// Each stream frame's schema names exactly the keys its contract record can write, and requires exactly the ones
    /// always written (the optional keys are left out when null): a key added to a record must be documented.
    /// </summary>
    [Fact]
    public async Task Each_stream_frame_schema_matches_the_keys_its_record_writes()
    {
        var schemas = (await OpenApiContracts.LoadAsync(OpenApiContracts.Data)).Components!.Schemas!;
        var context = LlamaOrch.Contracts.ContractsJsonContext.Default;
        foreach (var (schema, typeInfo) in new (string, System.Text.Json.Serialization.Metadata.JsonTypeInfo)[]
                 {
                     ("StartedFrame", context.StartedFrame), ("MetricsFrame", context.MetricsFrame), ("EndFrame", context.EndFrame),
                     ("EmbeddingFrame", context.EmbeddingFrame), ("ScoreFrame", context.ScoreFrame), ("TokenFrame", context.TokenFrame),
                 })
        {
            var documented = schemas[schema];
            Assert.Equal(typeInfo.Properties.Select(p => p.Name).Order(), documented.Properties!.Keys.Order());
            var alwaysWritten = typeInfo.Properties.Where(p => !IsLeftOutWhenNull(p)).Select(p => p.Name).Order();
            Assert.Equal(alwaysWritten, (documented.Required ?? new HashSet<string>()).Order());
        }
    }

    /// <summary>
    /// The OpenAI door's answers and chunks: each schema names exactly the keys its record can write, and requires the ones
    /// always written (the door leaves null members out, except the error's <c>param</c> and <c>code</c>).
    /// </summary>
    [Fact]
    public async Task Each_openai_answer_schema_matches_the_keys_its_record_writes()
    {
        var schemas = (await OpenApiContracts.LoadAsync(OpenApiContracts.OpenAi)).Components!.Schemas!;
        var context = LlamaOrch.Contracts.OpenAi.OpenAiJsonContext.Default;
        foreach (var (schema, typeInfo) in new (string, System.Text.Json.Serialization.Metadata.JsonTypeInfo)[]
                 {
                     ("ChatCompletion", context.ChatCompletion), ("ChatCompletionChunk", context.ChatCompletionChunk), ("Completion", context.Completion),
                     ("Usage", context.Usage), ("OpenAiError", context.OpenAiError), ("OpenAiErrorResponse", context.OpenAiErrorResponse),
                     ("RerankResponse", context.RerankResponse), ("ModelList", context.ModelList), ("EmbeddingList", context.EmbeddingListSingleArray),
                 })
        {
            var documented = schemas[schema];
            Assert.Equal(typeInfo.Properties.Select(p => p.Name).Order(), documented.Properties!.Keys.Order());
            var alwaysWritten = typeInfo.Properties.Where(p => !p.IsGetNullable || IsAlwaysWritten(p)).Select(p => p.Name).Order();
            Assert.Equal(alwaysWritten, (documented.Required ?? new HashSet<string>()).Order());
        }
    }

    private static bool IsAlwaysWritten(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: false)
            .OfType<System.Text.Json.Serialization.JsonIgnoreAttribute>()
            .Any(a => a.Condition == System.Text.Json.Serialization.JsonIgnoreCondition.Never) == true;

    private static bool IsLeftOutWhenNull(System.Text.Json.Serialization.Metadata.JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(System.Text.Json.Serialization.JsonIgnoreAttribute), inherit: false)
            .OfType<System.Text.Json.Serialization.JsonIgnoreAttribute>()
            .Any(a => a.Condition == System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull) == true;

    /// <summary>
    /// The reader leaves a <c>$ref</c> that points at nothing unresolved without a diagnostic, so this resolves
    /// each response of each operation, and holds every error answer to the envelope both documents promise
    /// (control.yaml's by a reference into data.yaml).
    /// </summary>
    [Theory]
    [InlineData(OpenApiContracts.Data)]
    [InlineData(OpenApiContracts.Control)]
    [InlineData(OpenApiContracts.Anthropic)]
    [InlineData(OpenApiContracts.OpenAi)]
    public async Task Every_response_resolves_and_every_error_answer_is_the_error_envelope(string file)
    {
        var document = await OpenApiContracts.LoadAsync(file);

        foreach (var (path, item) in document.Paths)
        foreach (var (method, operation) in item.Operations ?? [])
        foreach (var (status, response) in operation.Responses ?? [])
        {
            var where = $"{file}: {method} {path} {status}";
            Assert.False(string.IsNullOrEmpty(response.Description), $"{where} has no description or an unresolved $ref");
            foreach (var (mediaType, content) in response.Content ?? new Dictionary<string, IOpenApiMediaType>())
            {
                Assert.True(content.Schema is not OpenApiSchemaReference { Target: null }, $"{where} {mediaType}: unresolved schema $ref");
            }
            if (status[0] is '4' or '5')
            {
                var schema = Assert.IsType<OpenApiSchemaReference>(response.Content?["application/json"].Schema);
                // Readiness answers a probe with the health report either way, so its 503 names the pool that is not ready;
                // the OpenAI and Anthropic doors answer in their own error shapes; the MCP transport answers what it cannot
                // take in JSON-RPC's own error shape (the token check, ours, stays the envelope).
                Assert.True((path, status) is ("/health/ready", "503") ? schema.Reference.Id == "HealthResponse"
                    : file == OpenApiContracts.Anthropic ? schema.Reference.Id == "ErrorResponse"
                    : file == OpenApiContracts.OpenAi ? schema.Reference.Id == "OpenAiErrorResponse"
                    : path == "/v1/mcp" && status is "400" or "406" ? schema.Reference.Id == "McpJsonRpcError"
                    : IsErrorEnvelope(schema),
                    $"{where} answers {schema.Reference.Id}");
            }
        }
    }

    /// <summary>The envelope itself, or a schema that is all of it and more (the 429 body with its backoff fields).</summary>
    private static bool IsErrorEnvelope(OpenApiSchemaReference schema) =>
        schema.Reference.Id == "ErrorEnvelope"
        || (schema.AllOf ?? []).Any(part => part is OpenApiSchemaReference { Reference.Id: "ErrorEnvelope" });
}
