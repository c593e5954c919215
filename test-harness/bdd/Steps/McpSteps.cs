using System.Text.Json.Nodes;
using LlamaOrch.Bdd.Runner;

namespace LlamaOrch.Bdd.Steps;

/// <summary>
/// An agent's MCP client over Streamable HTTP at <c>/v1/mcp</c>: one JSON-RPC message per POST, its answer taken
/// from the JSON body or the event stream it comes in, and made the last answer for the JSON steps.
/// </summary>
internal sealed class McpSteps(ScenarioContext context)
{
    private readonly ApiWorld _world = context.Get<ApiWorld>();
    private int _id;

    [Step(@"I send the MCP request ""([a-z/_]+)""")]
    public Task Request(string method) => SendAsync(method, new JsonObject());

    [Step(@"I send the MCP request ""([a-z/_]+)"" with")]
    public Task RequestWith(string method, string parameters) =>
        SendAsync(method, JsonNode.Parse(_world.Fill(parameters)) as JsonObject ?? throw new StepFailedException("the params are not a JSON object"));

    [Step(@"I call the MCP tool ""([a-z_]+)"" with")]
    public Task Call(string tool, string arguments) =>
        SendAsync("tools/call", new JsonObject { ["name"] = tool, ["arguments"] = JsonNode.Parse(_world.Fill(arguments)) });

    [Step(@"the MCP tool result is (an error|not an error) whose text contains ""([^""]*)""")]
    public void Result(string kind, string text)
    {
        var result = JsonPath.Get(_world.Json, "result");
        var isError = JsonPath.TryGet(result, "isError", out var flag) && JsonPath.Text(flag) == "true";
        if (isError != (kind == "an error")) throw new StepFailedException($"isError is {isError}: {JsonPath.Shorten(_world.Body)}");
        var content = string.Concat((JsonPath.Get(result, "content") as JsonArray ?? []).Select(c => (string?)c?["text"] ?? ""));
        if (!content.Contains(_world.Fill(text), StringComparison.Ordinal)) throw new StepFailedException($"the result's text lacks \"{text}\": {JsonPath.Shorten(content)}");
    }

    [Step(@"the MCP tool result's text does not contain ""([^""]*)""")]
    public void ResultLacks(string text)
    {
        var content = string.Concat((JsonPath.Get(_world.Json, "result.content") as JsonArray ?? []).Select(c => (string?)c?["text"] ?? ""));
        if (content.Contains(_world.Fill(text), StringComparison.Ordinal)) throw new StepFailedException($"the result's text contains \"{text}\"");
    }

    private async Task SendAsync(string method, JsonObject parameters)
    {
        if (method == "initialize")
        {
            parameters.TryAdd("protocolVersion", "2025-06-18");
            parameters.TryAdd("capabilities", new JsonObject());
            parameters.TryAdd("clientInfo", new JsonObject { ["name"] = "bdd-runner", ["version"] = "1.0" });
        }
        var message = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = ++_id, ["method"] = method, ["params"] = parameters };
        // Streamable HTTP: the client takes either a JSON answer or an event stream carrying it.
        await _world.SendForStreamAsync(HttpMethod.Post, "/v1/mcp", message.ToJsonString(), "application/json, text/event-stream");
        if (_world.Frames.Count > 0)
        {
            var answer = _world.Frames.LastOrDefault(f => f.Data.StartsWith('{') && JsonNode.Parse(f.Data)?["id"] is not null)
                         ?? throw new StepFailedException($"the MCP stream carried no answer: {string.Join(" | ", _world.Frames.Select(f => f.Data))}");
            _world.ReplaceBody(answer.Data);
        }
    }
}
