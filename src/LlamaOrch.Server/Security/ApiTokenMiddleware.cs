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
        ReadOnlySpan<char> token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header.AsSpan(7).Trim() : default;
        if (token.IsEmpty) token = context.Request.Headers["x-api-key"].ToString().AsSpan().Trim(); // as Anthropic's SDKs send it
        if (token.IsEmpty) // a blank token is a missing one: the client forgot to fill it in, it did not present a wrong one
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return ErrorResponses.WriteAsync(context, StatusCodes.Status401Unauthorized,
                new ErrorEnvelope(ErrorCodes.Unauthorized, "missing API token: send 'Authorization: Bearer <token>' or 'x-api-key: <token>'"));
        }

        if (!Matches(token))
            return ErrorResponses.WriteAsync(context, StatusCodes.Status403Forbidden,
                new ErrorEnvelope(ErrorCodes.Forbidden, "the API token is not valid"));

        return next(context);
    }

    /// <summary>The presented token's digest against the expected one, in constant time; on the stack for any usual token length.</summary>
    private bool Matches(ReadOnlySpan<char> token)
    {
        var length = Encoding.UTF8.GetByteCount(token);
        Span<byte> utf8 = length <= 512 ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(token, utf8);
        Span<byte> presented = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, presented);
        return CryptographicOperations.FixedTimeEquals(presented, _expectedDigest);
    }

    private bool NeedsToken(PathString path) =>
        path.StartsWithSegments("/v1") || (metrics.RequireToken && path.StartsWithSegments(MetricsEndpoint.Path));
}
