using System.Globalization;
using System.Text.Json;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Artifacts;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Artifacts;
using LlamaOrch.Engines.Artifacts;
using LlamaOrch.Server.Configuration;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary>The artifact registry: store, show, list and trace the lineage of content-addressed artifacts (docs/artifacts.md).</summary>
internal static class ArtifactEndpoints
{
    private const string Route = "/v1/artifacts";
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    /// <summary>How many artifacts a lineage answer holds at most; a longer chain is cut and says so.</summary>
    internal const int MaxLineageDepth = 100;

    private static readonly Rejection UnknownKind = Rejection.InvalidParams("kind", $"must be one of {string.Join(", ", ArtifactKinds.All)}");

    private const string Example = "{\"kind\": \"plan\", \"content\": {\"steps\": [\"…\"]}, \"tags\": [\"repo:x\"]}";

    public static void MapArtifactEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Route, CreateAsync);
        routes.MapGet(Route, ListAsync);
        routes.MapGet(Route + "/{id}", ShowAsync);
        routes.MapGet(Route + "/{id}/lineage", LineageAsync);
        routes.MapPost(Route + "/{id}/replay", ArtifactReplay.HandleAsync);
    }

    /// <summary>201 with the new artifact; 200 with the stored one when the same canonical form is stored already.</summary>
    private static async Task CreateAsync(HttpContext context, ArtifactStore store, OrchestratorSettings settings, TimeProvider time, ILoggerFactory logs)
    {
        if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.ArtifactRequest, Example) is not { } request) return;
        if (Validate(request, out var sessionId) is { } invalid)
        {
            await ErrorResponses.WriteAsync(context, invalid);
            return;
        }
        // The policy sees the content before its canonical form is made: a redacted artifact's id is the hash of what is stored.
        var redactedBy = new SortedSet<string>(StringComparer.Ordinal);
        var content = DataFlowGuard.CheckArtifact(context, request.Content!.Value, redactedBy, out var refused);
        var metadata = content is not null && request.Metadata is { } given ? DataFlowGuard.CheckArtifact(context, given, redactedBy, out refused) : request.Metadata;
        var tags = refused is null ? DataFlowGuard.CheckTags(context, request.Tags ?? [], redactedBy, out refused) : null;
        if (refused is not null)
        {
            await ErrorResponses.WriteAsync(context, refused);
            return;
        }
        if (redactedBy.Count > 0) DataFlowGuard.Redacted(context, redactedBy, "artifact");
        ArtifactDocument document;
        try
        {
            document = ArtifactDocument.Create(request.Kind!, content!.Value, tags!, request.Parent, metadata, sessionId);
        }
        catch (FormatException error)
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("body", error.Message));
            return;
        }
        if (document.Bytes.Length > settings.ArtifactMaxBytes)
        {
            await ErrorResponses.WriteAsync(context, StatusCodes.Status413PayloadTooLarge, Rejection.InvalidParams("body",
                $"the artifact's canonical form is {document.Bytes.Length} bytes, over the limit of {settings.ArtifactMaxBytes} (Orchestrator:Artifacts:MaxBytes)").ToEnvelope(null));
            return;
        }
        if (request.Parent is { } parent && await store.FindAsync(parent, context.RequestAborted) is null)
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("parent", $"no artifact {parent}; store the parent first"));
            return;
        }

        var (record, created) = await store.PutAsync(document, time.GetUtcNow().ToUnixTimeMilliseconds(), context.RequestAborted);
        if (created)
        {
            // Home profile §7: nothing here is signed yet, so every artifact is accepted as a logged trust gap.
            logs.CreateLogger("LlamaOrch.Server.Artifacts").LogWarning(
                "Artifact {ArtifactId} ({Kind}) accepted unsigned: no signature, its origin is not verified (trust gap)", record.Id, record.Kind);
            context.Response.StatusCode = StatusCodes.Status201Created;
        }
        context.Response.Headers.Location = $"{Route}/{record.Id}";
        await context.Response.WriteAsJsonAsync(Summary(record), ContractsJsonContext.Default.ArtifactSummary);
    }

    private static Rejection? Validate(ArtifactRequest request, out string? sessionId)
    {
        sessionId = null;
        if (!ArtifactKinds.IsKnown(request.Kind)) return UnknownKind;
        if (request.Content is not { ValueKind: JsonValueKind.Object })
            return Rejection.InvalidParams("content", "must be a JSON object");
        if (request.Metadata is { ValueKind: not JsonValueKind.Object })
            return Rejection.InvalidParams("metadata", "must be a JSON object when given");
        if (request.Tags?.Any(string.IsNullOrEmpty) == true)
            return Rejection.InvalidParams("tags", "must not hold null or empty strings");
        if (request.Parent is { } parent && !ArtifactIds.TryParse(parent, out _))
            return Rejection.InvalidParams("parent", "must be an artifact id: sha256: and 64 lowercase hex digits");
        if (request.SessionId is { } session && (sessionId = CanonicalUuid(session)) is null)
            return Rejection.InvalidParams("session_id", "must be a uuid");
        return null;
    }

    private static async Task ShowAsync(HttpContext context, string id, ArtifactStore store)
    {
        if (await FindOrRefuseAsync(context, id, store) is not { } record) return;
        var bytes = await store.ReadAsync(record, context.RequestAborted);
        if (bytes is null)
        {
            await ErrorResponses.NotFoundAsync(context, $"artifact {id} is indexed but its file is gone (removed outside orchestratord)");
            return;
        }
        using var stored = JsonDocument.Parse(bytes);
        var root = stored.RootElement;
        await context.Response.WriteAsJsonAsync(
            new ArtifactResponse(record.Id, record.Kind, record.Id, record.CreatedMs, record.Tags, record.Parent, record.Session, record.SizeBytes,
                root.GetProperty("content").Clone(), root.GetProperty("metadata").Clone()),
            ContractsJsonContext.Default.ArtifactResponse);
    }

    /// <summary>
    /// A page oldest first: <c>?kind=</c>, <c>?tag=</c>, <c>?session=</c> filter (all must match), <c>?limit=</c>
    /// (default <see cref="DefaultPageSize"/>, at most <see cref="MaxPageSize"/>), <c>?cursor=</c> the <c>next_cursor</c> of the page before.
    /// </summary>
    private static async Task ListAsync(HttpContext context, ArtifactStore store)
    {
        var query = context.Request.Query;
        var limit = DefaultPageSize;
        if (query.TryGetValue("limit", out var limitText)
            && (limitText.Count != 1 || !int.TryParse(limitText[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPageSize))
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("limit", $"must be a whole number from 1 to {MaxPageSize} (default {DefaultPageSize})"));
            return;
        }
        long? after = null;
        if (query.TryGetValue("cursor", out var cursorText))
        {
            if (cursorText.Count != 1 || !long.TryParse(cursorText[0], NumberStyles.None, CultureInfo.InvariantCulture, out var seq) || seq < 1)
            {
                await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("cursor", "must be the next_cursor of a previous page"));
                return;
            }
            after = seq;
        }
        var kind = Single(query, "kind");
        if (kind is not null && !ArtifactKinds.IsKnown(kind))
        {
            await ErrorResponses.WriteAsync(context, UnknownKind);
            return;
        }
        string? session = null;
        if (Single(query, "session") is { } given && (session = CanonicalUuid(given)) is null)
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("session", "must be a uuid"));
            return;
        }

        var page = await store.ListAsync(new ArtifactQuery(kind, Single(query, "tag"), session, after, limit), context.RequestAborted);
        await context.Response.WriteAsJsonAsync(
            new ArtifactListResponse(page.Artifacts.Select(Summary).ToList(), page.NextAfter?.ToString(CultureInfo.InvariantCulture)),
            ContractsJsonContext.Default.ArtifactListResponse);
    }

    /// <summary>The artifact, then its parent, and so on up to the root or <see cref="MaxLineageDepth"/> entries.</summary>
    private static async Task LineageAsync(HttpContext context, string id, ArtifactStore store)
    {
        if (await FindOrRefuseAsync(context, id, store) is not { } record) return;
        var chain = new List<ArtifactRecord> { record };
        // Ids hash their parent's id, so a chain cannot loop; the bound keeps one answer small however long it is.
        while (chain[^1].Parent is { } parent && chain.Count < MaxLineageDepth
               && await store.FindAsync(parent, context.RequestAborted) is { } next)
        {
            chain.Add(next);
        }
        await context.Response.WriteAsJsonAsync(
            new ArtifactLineageResponse(record.Id, chain.Select(Summary).ToList(), chain.Count == MaxLineageDepth && chain[^1].Parent is not null),
            ContractsJsonContext.Default.ArtifactLineageResponse);
    }

    /// <summary>The row of <paramref name="id"/>, or null once 400 (not an id) or 404 (no such artifact) is written.</summary>
    internal static async Task<ArtifactRecord?> FindOrRefuseAsync(HttpContext context, string id, ArtifactStore store)
    {
        if (!ArtifactIds.TryParse(id, out _))
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("id", "must be an artifact id: sha256: and 64 lowercase hex digits"));
            return null;
        }
        if (await store.FindAsync(id, context.RequestAborted) is { } record) return record;
        await ErrorResponses.NotFoundAsync(context, $"no artifact {id}");
        return null;
    }

    /// <summary>A uuid in the spelling tasks store a session id in, so any spelling of it finds the same artifacts.</summary>
    private static string? CanonicalUuid(string text) => Guid.TryParse(text, out var uuid) ? uuid.ToString("D") : null;

    private static string? Single(IQueryCollection query, string name) =>
        query.TryGetValue(name, out var values) && values.Count > 0 && values[0] is { Length: > 0 } value ? value : null;

    private static ArtifactSummary Summary(ArtifactRecord record) =>
        new(record.Id, record.Kind, record.Id, record.CreatedMs, record.Tags, record.Parent, record.Session, record.SizeBytes);
}
