using System.Security.Cryptography;
using System.Text;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Security;

/// <summary>
/// Requires <c>Authorization: Bearer &lt;token&gt;</c> (or <c>x-api-key: &lt;token&gt;</c>) on every <c>/v1</c> path, and on <c>/metrics</c> when
/// <see cref="MetricsAccess"/> says so: 401 when missing, 403 when wrong. Tokens are compared as SHA-256 digests in constant time, so neither content nor length leaks.
/// </summary>
internal sealed class ApiTokenMiddleware(RequestDelegate next, ApiTokenSource source, MetricsAccess metrics)
{
    private readonly byte[]? _expectedDigest = source.Token is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(source.Token));

    public Task InvokeAsync(HttpContext context)
    {
        if (_expectedDigest is null || !NeedsToken(context.Request.Path)) return next(context);

        var header = context.Request.Headers.Authorization.ToString();
        string token;
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7) token = header[7..].Trim();
        else if (context.Request.Headers["x-api-key"].ToString() is { Length: > 0 } apiKey) token = apiKey.Trim(); // as Anthropic's SDKs send it
        else
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized,
                new ErrorEnvelope(ErrorCodes.Unauthorized, "missing API token: send 'Authorization: Bearer <token>' or 'x-api-key: <token>'"));
        }

        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(token));
        if (!CryptographicOperations.FixedTimeEquals(presented, _expectedDigest))
            return ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden,
                new ErrorEnvelope(ErrorCodes.Forbidden, "the API token is not valid"));

        return next(context);
    }

    private bool NeedsToken(PathString path) =>
        path.StartsWithSegments("/v1") || (metrics.RequireToken && path.StartsWithSegments(MetricsEndpoint.Path));
}
