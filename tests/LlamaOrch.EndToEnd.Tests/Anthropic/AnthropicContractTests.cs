using LlamaOrch.Contracts.Anthropic;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>contracts/openapi/anthropic.yaml names exactly the keys the Anthropic door's records write.</summary>
public sealed class AnthropicContractTests
{
    [Fact]
    public async Task Each_documented_answer_schema_matches_the_keys_its_record_writes()
    {
        var schemas = (await OpenApiContracts.LoadAsync(OpenApiContracts.Anthropic)).Components!.Schemas!;
        var context = AnthropicJsonContext.Default;
        foreach (var (schema, typeInfo) in new (string, System.Text.Json.Serialization.Metadata.JsonTypeInfo)[]
                 {
                     ("Message", context.MessageResponse), ("Usage", context.GetTypeInfo(typeof(MessageUsage))!), ("TokenCount", context.CountTokensResponse),
                     ("ErrorResponse", context.AnthropicErrorResponse), ("MessageStartEvent", context.MessageStartEvent),
                     ("ContentBlockStartEvent", context.ContentBlockStartEvent), ("ContentBlockDeltaEvent", context.ContentBlockDeltaEvent),
                     ("ContentBlockStopEvent", context.ContentBlockStopEvent), ("MessageDeltaEvent", context.MessageDeltaEvent),
                     ("MessageStopEvent", context.BareEvent), ("PingEvent", context.BareEvent),
                 })
        {
            Assert.Equal(typeInfo.Properties.Select(p => p.Name).Order(), schemas[schema].Properties!.Keys.Order());
        }
    }

    [Fact]
    public async Task The_error_type_enum_holds_every_type_the_door_sends()
    {
        var schemas = (await OpenApiContracts.LoadAsync(OpenApiContracts.Anthropic)).Components!.Schemas!;
        var documented = schemas["ErrorResponse"].Properties!["error"].Properties!["type"].Enum!.Select(t => t.GetValue<string>()).ToHashSet();

        int[] statuses = [400, 401, 403, 404, 405, 408, 409, 413, 414, 415, 429, 431, 500, 502, 503];
        var sent = statuses.Select(status => LlamaOrch.Server.Endpoints.Anthropic.AnthropicErrors.TypeOf(status, "X")).ToHashSet();

        Assert.Subset(documented, sent);
    }
}
