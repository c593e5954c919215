using System.Globalization;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Admission;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Tools;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// <c>POST /v1/tools/http/fetch</c>: a URL fetched through the tool policy; <c>POST /v1/tools/search</c>: a query
/// to the configured search backend through the same policy; <c>GET /v1/tools/audit</c>: the log of every such call.
/// </summary>
internal static class ToolEndpoints
{
    private const string FetchExample = "a JSON object such as {\"method\": \"GET\", \"url\": \"https://example.com/\"}";
    private const string SearchExample = "a JSON object such as {\"query\": \"llama.cpp grammar\", \"limit\": 5}";
    private static readonly string[] Doors = [ToolCaller.Http, ToolCaller.Mcp];

    public static void MapToolEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/tools/http/fetch", async (HttpContext context, ToolCalls calls) =>
        {
            if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.HttpFetchRequest, FetchExample) is not { } body)
            {
                await AuditUnreadableAsync(context, calls, ToolCalls.FetchTool);
                return;
            }
            var outcome = await calls.FetchAsync(body, Caller(context, body.SessionId), context.RequestAborted);
            if (outcome.Response is { } response)
                await context.Response.WriteAsJsonAsync(response, ContractsJsonContext.Default.HttpFetchResponse, contentType: null, context.RequestAborted);
            else
                await ErrorResponses.WriteAsync(context, outcome.Refusal!);
        });

        routes.MapPost("/v1/tools/search", async (HttpContext context, ToolCalls calls) =>
        {
            if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.SearchRequest, SearchExample) is not { } body)
            {
                await AuditUnreadableAsync(context, calls, ToolCalls.SearchToolName);
                return;
            }
            var outcome = await calls.SearchAsync(body, Caller(context, body.SessionId), context.RequestAborted);
            if (outcome.Response is { } response)
                await context.Response.WriteAsJsonAsync(response, ContractsJsonContext.Default.SearchResponse, contentType: null, context.RequestAborted);
            else
                await ErrorResponses.WriteAsync(context, outcome.Refusal!);
        });

        routes.MapGet("/v1/tools/audit", async (HttpContext context, ToolAuditLog audit) =>
        {
            var query = context.Request.Query;
            string? decision = query["decision"], session = query["session"], tool = query["tool"], door = query["door"],
                since = query["since"], cursor = query["cursor"], limit = query["limit"];
            DateTimeOffset sinceTime = default;
            long before = 0;
            var pageSize = 100;
            var problem =
                decision is not null && !ToolDecisions.All.Contains(decision) ? Rejection.InvalidParams("decision", $"must be one of {string.Join(", ", ToolDecisions.All)}")
                : door is not null && !Doors.Contains(door) ? Rejection.InvalidParams("door", $"must be one of {string.Join(", ", Doors)}")
                : since is not null && !DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out sinceTime)
                    ? Rejection.InvalidParams("since", "must be an ISO 8601 time such as 2026-01-01T00:00:00Z")
                : cursor is not null && !(long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out before) && before > 0)
                    ? Rejection.InvalidParams("cursor", "must be the next_cursor of an earlier page")
                : limit is not null && !(int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize) && pageSize is > 0 and <= ToolAuditLog.MaxPage)
                    ? Rejection.InvalidParams("limit", $"must be 1 to {ToolAuditLog.MaxPage}")
                : null;
            if (problem is not null)
            {
                await ErrorResponses.WriteAsync(context, problem);
                return;
            }
            var filter = new ToolAuditFilter(decision, session, tool, door, since is null ? null : sinceTime);
            var page = await audit.QueryAsync(filter, cursor is null ? null : before, pageSize, context.RequestAborted);
            await context.Response.WriteAsJsonAsync(page, ContractsJsonContext.Default.ToolAuditResponse, contentType: null, context.RequestAborted);
        });
    }

    private static ToolCaller Caller(HttpContext context, string? session) => new(ToolCaller.Http, CorrelationIdMiddleware.Of(context), session);

    /// <summary>A body refused before it could be read is audited too, unless the client went away (no refusal was written).</summary>
    private static async Task AuditUnreadableAsync(HttpContext context, ToolCalls calls, string tool)
    {
        if (ErrorResponses.MessageOf(context) is not { } reason) return;
        await calls.AuditUnreadableAsync(tool, Caller(context, null), context.Response.StatusCode, reason);
    }
}
