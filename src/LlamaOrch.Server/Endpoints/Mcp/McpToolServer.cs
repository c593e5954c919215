using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Admission;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Tools;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace LlamaOrch.Server.Endpoints.Mcp;

/// <summary>
/// The MCP door (Streamable HTTP at <c>/v1/mcp</c>, stateless, behind the API token like every <c>/v1</c> path):
/// tools <c>http_fetch</c> and <c>web_search</c>, which make the same <see cref="ToolCalls"/> as the HTTP endpoints
/// (same policy, same audit, door <c>mcp</c>). A refusal is a tool result with <c>isError</c> and the policy's
/// reason, so the agent's model reads it; a call of an unknown tool or with params that are not a tools/call's is
/// the client's mistake, JSON-RPC -32602 Invalid params. The tools are declared with hand-written JSON schemas and
/// read their arguments from JSON elements: no reflection binding.
/// </summary>
internal static class McpToolServer
{
    public const string Path = "/v1/mcp";
    public const string FetchName = "http_fetch";
    public const string SearchName = "web_search";
    public static readonly IReadOnlyList<string> ToolNames = [FetchName, SearchName];

    /// <summary>An agent's session, for the audit row; the correlation id comes through <see cref="CorrelationIdMiddleware"/>.</summary>
    public const string SessionHeader = "X-Session-Id";

    private static readonly Tool[] Tools =
    [
        new()
        {
            Name = FetchName,
            Title = "HTTP fetch",
            Description = "Fetch a URL over HTTP(S) through orchestratord's tool policy (host lists, ports, address classes; "
                          + "secrets masked both ways; size and time limits). Returns the status line, headers and body.",
            InputSchema = Schema("""
                {"type": "object", "properties": {
                  "url": {"type": "string", "description": "Absolute http or https URL."},
                  "method": {"type": "string", "enum": ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], "default": "GET"},
                  "headers": {"type": "object", "additionalProperties": {"type": "string"}},
                  "body": {"type": "string", "description": "Request body as text (not for GET or HEAD)."}
                }, "required": ["url"]}
                """),
            Annotations = new ToolAnnotations { OpenWorldHint = true, ReadOnlyHint = false },
        },
        new()
        {
            Name = SearchName,
            Title = "Web search",
            Description = "Search the web through the search backend orchestratord is configured with (SearXNG). Returns titles, URLs and snippets; the URLs are not fetched.",
            InputSchema = Schema("""
                {"type": "object", "properties": {
                  "query": {"type": "string", "maxLength": 2000},
                  "limit": {"type": "integer", "minimum": 1, "maximum": 50, "description": "How many results (default 10)."}
                }, "required": ["query"]}
                """),
            Annotations = new ToolAnnotations { OpenWorldHint = true, ReadOnlyHint = true },
        },
    ];

    /// <summary>
    /// The caller of the MCP request being handled: the SDK runs a stateless server's handlers in the request's
    /// execution context, so a value set when the request reaches the endpoint is there in <see cref="CallAsync"/>.
    /// Set for this door's requests only; ASP.NET's <c>IHttpContextAccessor</c> would set one on every request
    /// (an <c>AsyncLocal</c> write, and its execution context carried through every await, for each 202 and 429 too).
    /// </summary>
    private static readonly AsyncLocal<ToolCaller?> RequestCaller = new();

    public static IServiceCollection AddMcpToolServer(this IServiceCollection services)
    {
        services.AddMcpServer(server => server.ServerInfo = new Implementation { Name = "orchestratord", Version = typeof(McpToolServer).Assembly.GetName().Version?.ToString(3) ?? "0.0.0" })
            .WithHttpTransport(http => http.Stateless = true)
            .WithListToolsHandler((_, _) => ValueTask.FromResult(new ListToolsResult { Tools = Tools }))
            .WithCallToolHandler(CallAsync)
            .WithMessageFilters(filters => filters.AddIncomingFilter(RefuseBadToolCalls));
        return services;
    }

    /// <summary>
    /// Answers a tools/call the handler cannot take with -32602 before it reaches the SDK's tool pipeline: there, a
    /// protocol error thrown by the handler is logged at Error with its stack, and params that do not deserialize are
    /// -32603 Internal error, so any client could fill the error log with its own mistakes.
    /// </summary>
    private static McpMessageHandler RefuseBadToolCalls(McpMessageHandler next) => async (context, cancellation) =>
    {
        if (context.JsonRpcMessage is JsonRpcRequest { Method: RequestMethods.ToolsCall } request && ToolCallProblem(request.Params) is { } problem)
            throw new McpProtocolException(problem, McpErrorCode.InvalidParams);
        await next(context, cancellation);
    };

    private static string? ToolCallProblem(JsonNode? parameters)
    {
        const string Shape = "tools/call params must be an object with name (a string) and arguments (an object)";
        CallToolRequestParams? read;
        try
        {
            read = parameters?.Deserialize((JsonTypeInfo<CallToolRequestParams>)McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(CallToolRequestParams)));
        }
        catch (JsonException error)
        {
            return $"{Shape}: {error.Message}";
        }
        if (read?.Name is not { } name) return Shape;
        return ToolNames.Contains(name) ? null : $"unknown tool '{name}'; this server has {FetchName} and {SearchName}";
    }

    private static async ValueTask<CallToolResult> CallAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellation)
    {
        var services = request.Services ?? throw new InvalidOperationException("the MCP request carries no services");
        var calls = services.GetRequiredService<ToolCalls>();
        var caller = RequestCaller.Value ?? new ToolCaller(ToolCaller.Mcp, null, null);
        var arguments = request.Params?.Arguments ?? new Dictionary<string, JsonElement>();
        switch (request.Params?.Name)
        {
            case FetchName:
            {
                var outcome = await calls.FetchAsync(FetchRequestOf(arguments), caller, cancellation);
                return outcome.Response is { } response ? Text(FetchText(response), false) : Error(outcome.Refusal!);
            }
            case SearchName:
            {
                var outcome = await calls.SearchAsync(SearchRequestOf(arguments), caller, cancellation);
                return outcome.Response is { } response ? Text(SearchText(response), false) : Error(outcome.Refusal!);
            }
            default:
                throw new UnreachableException($"{nameof(RefuseBadToolCalls)} answers a call of tool '{request.Params?.Name}'");
        }
    }

    /// <summary>Arguments of the wrong JSON type are read as absent or as their raw text, and validation names the field.</summary>
    private static HttpFetchRequest FetchRequestOf(IDictionary<string, JsonElement> arguments)
    {
        Dictionary<string, string>? headers = null;
        if (arguments.TryGetValue("headers", out var h) && h.ValueKind == JsonValueKind.Object)
            headers = h.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
        return new HttpFetchRequest(String(arguments, "method") ?? "GET", String(arguments, "url"), headers, String(arguments, "body"));
    }

    private static SearchRequest SearchRequestOf(IDictionary<string, JsonElement> arguments)
    {
        int? limit = arguments.TryGetValue("limit", out var l) ? l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) ? n : 0 : null;
        return new SearchRequest(String(arguments, "query"), limit);
    }

    private static string? String(IDictionary<string, JsonElement> arguments, string name) =>
        arguments.TryGetValue(name, out var value) ? value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Null or JsonValueKind.Undefined => null,
            _ => value.GetRawText(),
        } : null;

    /// <summary>Maps the door at <see cref="Path"/>, each request's caller (correlation id, agent session) taken as it comes in.</summary>
    public static IEndpointConventionBuilder MapMcpToolServer(this IEndpointRouteBuilder app)
    {
        var endpoints = app.MapMcp(Path);
        endpoints.Add(endpoint =>
        {
            var handle = endpoint.RequestDelegate ?? throw new InvalidOperationException($"the MCP endpoint {endpoint.DisplayName} has no request delegate");
            // Async, so that the value stays in this request's execution context and never flows back to the caller's.
            endpoint.RequestDelegate = async context =>
            {
                RequestCaller.Value = new ToolCaller(ToolCaller.Mcp, CorrelationIdMiddleware.Of(context), SessionOf(context));
                await handle(context);
            };
        });
        return endpoints;
    }

    private static string? SessionOf(HttpContext context)
    {
        var value = context.Request.Headers[SessionHeader].ToString();
        return value.Length is > 0 and <= 128 && value.All(c => c is > ' ' and < (char)127) ? value : null;
    }

    private static string FetchText(HttpFetchResponse response)
    {
        var text = new StringBuilder();
        text.Append("HTTP ").Append(response.Status).Append(" from ").Append(response.Url)
            .Append(" (").Append(response.ResolvedAddress).Append(", ").Append(response.Bytes).Append(" bytes")
            .Append(response.Truncated ? ", truncated at the size limit" : string.Empty).Append(")\n");
        foreach (var (name, value) in response.Headers) text.Append(name).Append(": ").Append(value).Append('\n');
        text.Append('\n').Append(response.Body ?? $"[binary body, base64] {response.BodyBase64}");
        return text.ToString();
    }

    private static string SearchText(SearchResponse response)
    {
        if (response.Results.Count == 0) return $"No results for \"{response.Query}\".";
        var text = new StringBuilder();
        for (var i = 0; i < response.Results.Count; i++)
        {
            var result = response.Results[i];
            text.Append(i + 1).Append(". ").Append(result.Title).Append('\n').Append("   ").Append(result.Url).Append('\n');
            if (result.Snippet.Length > 0) text.Append("   ").Append(result.Snippet).Append('\n');
        }
        if (response.Truncated) text.Append("(more results exist; ask with a larger limit)\n");
        return text.ToString();
    }

    private static CallToolResult Error(Rejection refusal) =>
        Text(refusal.PolicyLabel is { } rule ? $"{refusal.Code} (rule {rule}): {refusal.Message}" : $"{refusal.Code}: {refusal.Message}", true);

    private static CallToolResult Text(string text, bool isError) => new() { Content = [new TextContentBlock { Text = text }], IsError = isError };

    private static JsonElement Schema(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
