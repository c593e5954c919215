using System.Text.Json.Nodes;

namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>
/// One request/response interaction of a <see cref="PactBuilder"/>: its provider states, the request the consumer
/// sends and the response it expects. Values are literals or matchers (<see cref="Match"/>); each call returns this
/// interaction so that an expectation reads top to bottom.
/// </summary>
internal sealed class Interaction(uint handle, string description)
{
    public string Description { get; } = description;

    /// <summary>A provider state the provider must set up before this request (its handler makes it real).</summary>
    public Interaction Given(string state, JsonObject? parameters = null)
    {
        var ok = parameters is null
            ? PactFfi.pactffi_given(handle, state)
            : PactFfi.pactffi_given_with_params(handle, state, parameters.ToJsonString()) == 0;
        PactBuilder.Check(ok, $"add state '{state}' to '{Description}'");
        return this;
    }

    public Interaction WithRequest(string method, JsonNode path)
    {
        PactBuilder.Check(PactFfi.pactffi_with_request(handle, method, Text(path)), $"set the request of '{Description}'");
        return this;
    }

    public Interaction WithQuery(string name, JsonNode value)
    {
        PactBuilder.Check(PactFfi.pactffi_with_query_parameter_v2(handle, name, 0, Text(value)), $"add query {name} to '{Description}'");
        return this;
    }

    public Interaction WithRequestHeader(string name, JsonNode value) => Header(PactFfi.PartRequest, name, value);

    public Interaction WithRequestJson(JsonNode body) => Body(PactFfi.PartRequest, "application/json", body.ToJsonString());

    public Interaction WillRespondWith(int status)
    {
        PactBuilder.Check(PactFfi.pactffi_response_status(handle, checked((ushort)status)), $"set the status of '{Description}'");
        return this;
    }

    public Interaction WithResponseHeader(string name, JsonNode value) => Header(PactFfi.PartResponse, name, value);

    public Interaction WithResponseJson(JsonNode body) => Body(PactFfi.PartResponse, "application/json", body.ToJsonString());

    /// <summary>
    /// A body that is not JSON (an event stream), given as its example and matched by <paramref name="regex"/> over the
    /// whole text: matchers inside the body are only read from JSON.
    /// </summary>
    public Interaction WithResponseText(string contentType, string example, string regex)
    {
        Body(PactFfi.PartResponse, contentType, example);
        var rules = new JsonObject
        {
            ["body"] = new JsonObject
            {
                ["$"] = new JsonObject
                {
                    ["combine"] = "AND",
                    ["matchers"] = new JsonArray(new JsonObject { ["match"] = "regex", ["regex"] = regex }),
                },
            },
        };
        PactBuilder.Check(PactFfi.pactffi_with_matching_rules(handle, PactFfi.PartResponse, rules.ToJsonString()), $"add the body rule of '{Description}'");
        return this;
    }

    private Interaction Header(int part, string name, JsonNode value)
    {
        PactBuilder.Check(PactFfi.pactffi_with_header_v2(handle, part, name, 0, Text(value)), $"add header {name} to '{Description}'");
        return this;
    }

    private Interaction Body(int part, string contentType, string body)
    {
        PactBuilder.Check(PactFfi.pactffi_with_body(handle, part, contentType, body), $"set a body of '{Description}'");
        return this;
    }

    /// <summary>A literal string as itself; a matcher (a JSON object) as its integration JSON.</summary>
    private static string Text(JsonNode value) =>
        value is JsonValue literal && literal.TryGetValue<string>(out var text) ? text : value.ToJsonString();
}
