using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace LlamaOrch.Server.Http;

/// <summary>
/// How large a request may be. The app refuses what is over these limits itself, in the error envelope;
/// Kestrel's own limits are set above the app's (a request between the two reaches the app), because what
/// Kestrel refuses it answers before any middleware runs, with a bare status (docs/api-behaviour.md).
/// </summary>
/// <param name="MaxBodyBytes">The largest JSON body of any endpoint (Orchestrator:Limits:MaxBodyBytes).</param>
internal sealed record RequestLimits(int MaxBodyBytes)
{
    /// <summary>The request line (method, target, version): Kestrel's default, so nothing it took before is refused now.</summary>
    public const int MaxRequestLineBytes = 8 * 1024;

    /// <summary>All header lines together, as Kestrel's default.</summary>
    public const int MaxHeaderBytes = 32 * 1024;

    /// <summary>Header lines, as Kestrel's default.</summary>
    public const int MaxHeaderCount = 100;

    /// <summary>Kestrel's limits are this many times the app's.</summary>
    private const int KestrelHeadroom = 2;

    public void ApplyTo(KestrelServerLimits kestrel)
    {
        kestrel.MaxRequestLineSize = MaxRequestLineBytes * KestrelHeadroom;
        kestrel.MaxRequestHeadersTotalSize = MaxHeaderBytes * KestrelHeadroom;
        kestrel.MaxRequestHeaderCount = MaxHeaderCount * KestrelHeadroom;
        // Kestrel's default is 30 MB: no endpoint takes more than MaxBodyBytes, so nothing may make it buffer more.
        kestrel.MaxRequestBodySize = MaxBodyBytes;
    }
}
