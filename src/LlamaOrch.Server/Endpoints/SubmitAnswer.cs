using Microsoft.Net.Http.Headers;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// Which answer a <c>POST /v1/tasks</c> wants, read from its <c>Accept</c> header: the task's stream at once when
/// <c>text/event-stream</c> ranks strictly above <c>application/json</c>, the 202 otherwise. Each type's quality is
/// that of the most specific range that matches it (RFC 9110 §12.5.1), so <c>*/*</c> alone, no header, or both
/// types at the same quality keep the 202 that clients written before the stream mode rely on; an unparsable header
/// counts as absent. Refusals are JSON either way, so a client that wants the stream needs name only it.
/// </summary>
internal static class SubmitAnswer
{
    public static bool WantsStream(HttpRequest request)
    {
        var accept = request.Headers.Accept;
        if (accept.Count == 0) return false;
        if (!MediaTypeHeaderValue.TryParseList(accept, out var ranges) || ranges.Count == 0 || ranges.Any(HasBadQuality)) return false;
        return QualityOf(ranges, "text", "event-stream") > QualityOf(ranges, "application", "json");
    }

    /// <summary>A <c>q</c> that is not a quality value (<c>q=abc</c>, a quoted one): the parser reads no quality, which must not pass for 1.</summary>
    private static bool HasBadQuality(MediaTypeHeaderValue range) =>
        range.Quality is null && range.Parameters.Any(p => p.Name.Equals("q", StringComparison.OrdinalIgnoreCase));

    private static double QualityOf(IList<MediaTypeHeaderValue> ranges, string type, string subtype)
    {
        // Specificity: 2 for type/subtype, 1 for type/*, 0 for */*; -1 when nothing matches (quality 0).
        var best = -1;
        var quality = 0.0;
        foreach (var range in ranges)
        {
            var specificity = Specificity(range, type, subtype);
            if (specificity <= best) continue;
            best = specificity;
            quality = range.Quality ?? 1.0;
        }
        return quality;
    }

    private static int Specificity(MediaTypeHeaderValue range, string type, string subtype)
    {
        if (range.MatchesAllTypes) return 0;
        if (!range.Type.Equals(type, StringComparison.OrdinalIgnoreCase)) return -1;
        if (range.MatchesAllSubTypes) return 1;
        return range.SubType.Equals(subtype, StringComparison.OrdinalIgnoreCase) ? 2 : -1;
    }
}
