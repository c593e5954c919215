using System.Globalization;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Tools;
using LlamaOrch.Core.Admission;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Tools;

namespace LlamaOrch.Server.Endpoints;

/// <summary><c>POST /v1/tools/http/fetch</c>: a URL fetched through the tool policy; <c>GET /v1/tools/audit</c>: the log of every such call.</summary>
internal static class ToolEndpoints
{
    private const string Example = "a JSON object such as {\"method\": \"GET\", \"url\": \"https://example.com/\"}";
    private static readonly string[] Methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
    private static readonly string[] Decisions = ["allowed", "refused", "failed"];

    public static void MapToolEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/tools/http/fetch", async (HttpContext context, HttpFetchTool tool, ToolAuditLog audit, TimeProvider time) =>
        {
            if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.HttpFetchRequest, Example) is not { } body) return;
            if (Problem(body, out var url) is { } problem)
            {
                await ErrorResponses.WriteAsync(context, problem);
                return;
            }
            var outcome = await tool.FetchAsync(new HttpMethod(body.Method!.ToUpperInvariant()), url!, body.Headers ?? [],
                body.Body, context.RequestAborted);
            // The row is written before the answer, so a client that goes away once the fetch is done is still audited.
            await audit.AppendAsync(new ToolAuditEntry(0, time.GetUtcNow(), CorrelationIdMiddleware.Of(context), body.SessionId, "http.fetch",
                body.Method!.ToUpperInvariant(), UrlRedaction.Redact(outcome.LastUrl), outcome.Address, outcome.Decision, outcome.Rule,
                outcome.Response?.Status, outcome.BytesOut, outcome.BytesIn));
            if (outcome.Response is { } response)
                await context.Response.WriteAsJsonAsync(response, ContractsJsonContext.Default.HttpFetchResponse, contentType: null, context.RequestAborted);
            else
                await ErrorResponses.WriteAsync(context, outcome.Refusal!);
        });

        routes.MapGet("/v1/tools/audit", async (HttpContext context, ToolAuditLog audit) =>
        {
            var query = context.Request.Query;
            string? decision = query["decision"], session = query["session"], since = query["since"], cursor = query["cursor"], limit = query["limit"];
            DateTimeOffset sinceTime = default;
            long before = 0;
            var pageSize = 100;
            var problem =
                decision is not null && !Decisions.Contains(decision) ? Rejection.InvalidParams("decision", "must be allowed, refused or failed")
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
            var page = await audit.QueryAsync(decision, session, since is null ? null : sinceTime, cursor is null ? null : before, pageSize, context.RequestAborted);
            await context.Response.WriteAsJsonAsync(page, ContractsJsonContext.Default.ToolAuditResponse, contentType: null, context.RequestAborted);
        });
    }

    private static Rejection? Problem(HttpFetchRequest body, out Uri? url)
    {
        url = null;
        if (string.IsNullOrEmpty(body.Method) || !Methods.Contains(body.Method.ToUpperInvariant()))
            return Rejection.InvalidParams("method", $"must be one of {string.Join(", ", Methods)}");
        if (string.IsNullOrEmpty(body.Url) || !Uri.TryCreate(body.Url, UriKind.Absolute, out url) || url.IsFile || string.IsNullOrEmpty(url.Host))
            return Rejection.InvalidParams("url", "must be an absolute URL such as https://example.com/");
        if (body.Body is not null && body.Method.ToUpperInvariant() is "GET" or "HEAD")
            return Rejection.InvalidParams("body", "a GET or HEAD request carries no body");
        foreach (var (name, value) in body.Headers ?? [])
        {
            // A header the HTTP stack would refuse, or one that could split the request, is the client's mistake.
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || c == ':') || value.Any(c => c is '\r' or '\n' or '\0'))
                return Rejection.InvalidParams($"headers.{name}", "is not a valid header name and value");
        }
        return null;
    }
}
