using System.Globalization;
using System.Text.Json;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Catalog;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.Server.Catalog;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary>The model catalog: register, list, show, delete, verify, and retire or reactivate models.</summary>
internal static class CatalogEndpoints
{
    private const string Route = "/v1/catalog/models";
    private const int DefaultPageSize = 100;
    private const int MaxPageSize = 1000;

    public static void MapCatalogEndpoints(this IEndpointRouteBuilder routes)
    {
        routes.MapPost(Route, RegisterAsync);
        routes.MapGet(Route, ListAsync);
        routes.MapGet(Route + "/{id}", (HttpContext context, string id, ModelCatalog catalog, PoolRegistry pools) =>
            FindById(catalog, id) is { } model
                ? context.Response.WriteAsJsonAsync(Describe(model, pools), ContractsJsonContext.Default.CatalogModelResponse)
                : ErrorResponses.NotFoundAsync(context, $"no catalog model '{id}'"));
        routes.MapDelete(Route + "/{id}", DeleteAsync);
        routes.MapPost(Route + "/{id}/verify", VerifyAsync);
        routes.MapPost(Route + "/{id}/state", SetStateAsync);
    }

    /// <summary>A page of entries in id order: <c>?limit=</c> (default <see cref="DefaultPageSize"/>, at most
    /// <see cref="MaxPageSize"/>) and <c>?cursor=</c> (the <c>next_cursor</c> of the page before).</summary>
    private static Task ListAsync(HttpContext context, ModelCatalog catalog, PoolRegistry pools)
    {
        var query = context.Request.Query;
        var limit = DefaultPageSize;
        if (query.TryGetValue("limit", out var limitText)
            && (limitText.Count != 1 || !int.TryParse(limitText[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxPageSize))
        {
            return ErrorResponses.WriteAsync(context, Rejection.InvalidParams("limit", $"must be a whole number from 1 to {MaxPageSize} (default {DefaultPageSize})"));
        }
        string? cursor = null;
        if (query.TryGetValue("cursor", out var cursorText))
        {
            // The cursor is the last id of the page before, so the next page holds the ids after it.
            if (cursorText.Count != 1 || cursorText[0] is not { Length: > 0 } given)
                return ErrorResponses.WriteAsync(context, Rejection.InvalidParams("cursor", "must be the next_cursor of a previous page"));
            cursor = given;
        }
        var page = catalog.List(cursor, limit);
        return context.Response.WriteAsJsonAsync(
            new CatalogListResponse(page.Models.Select(m => Describe(m, pools)).ToList(), page.NextAfter), ContractsJsonContext.Default.CatalogListResponse);
    }

    private static async Task RegisterAsync(HttpContext context, ModelCatalog catalog, PoolRegistry pools)
    {
        if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.CatalogModelRequest,
                "{\"id\": \"NAME\", \"source_url\": \"hf:org/repo/file.gguf\", \"digest\": \"sha256:HEX\"}") is not { } request) return;
        if (request.Signatures?.Any(s => s is null) == true)
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("signatures", "must not hold null entries"));
            return;
        }
        if (TrustPolicyFrom(request.TrustPolicy, out var policy) is { } policyError)
        {
            await ErrorResponses.WriteAsync(context, policyError);
            return;
        }

        var registration = new ModelRegistration(
            request.Id ?? string.Empty,
            request.Digest,
            request.SourceUrl,
            request.Tags,
            request.Signatures?.Select(s => new ModelSignature(s.KeyId ?? string.Empty, s.Algorithm ?? string.Empty, s.Value ?? string.Empty)).ToList(),
            request.Sbom is { ValueKind: not JsonValueKind.Null } sbom ? sbom.GetRawText() : null,
            policy);
        var result = await catalog.RegisterAsync(registration, context.RequestAborted);
        if (result.Status != RegistrationStatus.Created)
        {
            await ErrorResponses.WriteAsync(context, result.Status == RegistrationStatus.Conflict
                ? new Rejection(ErrorCodes.CatalogConflict, result.Rejection!.Message, Retriable: false)
                : result.Rejection!);
            return;
        }
        context.Response.StatusCode = StatusCodes.Status201Created;
        context.Response.Headers.Location = $"{Route}/{Uri.EscapeDataString(result.Model!.Id)}";
        await context.Response.WriteAsJsonAsync(Describe(result.Model, pools), ContractsJsonContext.Default.CatalogModelResponse);
    }

    /// <summary>Removes the entry (never the model file). Refused while a pool serves the model by it.</summary>
    private static async Task DeleteAsync(HttpContext context, string id, ModelCatalog catalog, PoolRegistry pools)
    {
        if (FindById(catalog, id) is not { } model)
        {
            await ErrorResponses.NotFoundAsync(context, $"no catalog model '{id}'");
            return;
        }
        if (PoolsServing(model, pools) is { Count: > 0 } serving)
        {
            await ErrorResponses.WriteAsync(context, new Rejection(ErrorCodes.CatalogConflict,
                $"catalog model '{id}' is served by pool(s) {string.Join(", ", serving.Select(p => p.Id))}; reload them to another model first",
                Retriable: false));
            return;
        }
        await catalog.RemoveAsync(model.Id, context.RequestAborted);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task VerifyAsync(HttpContext context, string id, ModelCatalog catalog, CatalogVerifications verifications)
    {
        if (FindById(catalog, id) is null || await verifications.StartAsync(id, context.RequestAborted) is not { } model)
        {
            await ErrorResponses.NotFoundAsync(context, $"no catalog model '{id}'");
            return;
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new VerifyResponse(model.Id, StatusName(model.Verification.Status)), ContractsJsonContext.Default.VerifyResponse);
    }

    /// <summary>
    /// Retired: new tasks for the model get 403 MODEL_DEPRECATED at once, and each pool serving it drains within
    /// deadline_ms and then stops its replicas. Active (from Retired): those pools start replicas and admit again.
    /// Setting the state the entry has already changes nothing.
    /// </summary>
    private static async Task SetStateAsync(HttpContext context, string id, ModelCatalog catalog, PoolRegistry pools, PoolLifecycle lifecycle)
    {
        if (FindById(catalog, id) is null)
        {
            await ErrorResponses.NotFoundAsync(context, $"no catalog model '{id}'");
            return;
        }
        if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.StateRequest, "{\"state\": \"Retired\", \"deadline_ms\": 30000}") is not { } request) return;
        if (!TryParseName<CatalogState>(request.State, out var state))
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("state", "must be Active or Retired"));
            return;
        }
        if (request.DeadlineMs is < 0 or > TaskRequestValidator.MaxDeadlineMs)
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("deadline_ms", $"from 0 to {TaskRequestValidator.MaxDeadlineMs}"));
            return;
        }

        if (await catalog.SetStateAsync(id, state, context.RequestAborted) is not var (model, changed))
        {
            await ErrorResponses.NotFoundAsync(context, $"no catalog model '{id}'");
            return;
        }
        var serving = PoolsServing(model, pools);
        // Only a change of state touches the pools: Active again on an Active model must not undo an operator's
        // drain, and Retired again must not shorten the deadline of a retirement under way.
        foreach (var pool in changed ? serving : [])
        {
            if (state == CatalogState.Retired)
                lifecycle.TakeOutOfService(pool, TimeSpan.FromMilliseconds(request.DeadlineMs ?? 0), $"model '{model.Id}' is retired");
            else
                lifecycle.Restore(pool);
        }
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        await context.Response.WriteAsJsonAsync(new StateResponse(model.Id, model.State.ToString(), serving.Select(p => p.Id).ToList()),
            ContractsJsonContext.Default.StateResponse);
    }

    /// <summary>Only an entry's own id names it here; Find also matches a source ref, which is for admission.</summary>
    private static CatalogModel? FindById(ModelCatalog catalog, string id) => catalog.Find(id) is { } model && model.Id == id ? model : null;

    /// <summary>Pools that serve the model by its catalog id or by its source ref.</summary>
    internal static List<PoolRuntime> PoolsServing(CatalogModel model, PoolRegistry pools) =>
        pools.All.Where(p => p.Config.Model == model.Id || (model.SourceUrl is { } source && p.Config.Model == source)).ToList();

    private static Rejection? TrustPolicyFrom(TrustPolicyBody? body, out TrustPolicy? policy)
    {
        policy = null;
        if (body is null) return null;
        var mode = TrustMode.Permissive;
        if (body.Mode is not null && !TryParseName(body.Mode, out mode))
            return Rejection.InvalidParams("trust_policy.mode", "must be strict or permissive");
        policy = new TrustPolicy(mode, body.RequireSignature ?? false, body.RequireSbom ?? false);
        return null;
    }

    /// <summary>An enum by its name in any case; numbers, which Enum.TryParse would also take, are refused.</summary>
    private static bool TryParseName<TEnum>(string? name, out TEnum value) where TEnum : struct, Enum =>
        Enum.TryParse(name, ignoreCase: true, out value) && Enum.IsDefined(value) && !name!.Any(char.IsAsciiDigit);

    private static CatalogModelResponse Describe(CatalogModel model, PoolRegistry pools)
    {
        JsonElement? sbom = null;
        if (model.SbomJson is { } json)
        {
            using var document = JsonDocument.Parse(json);
            sbom = document.RootElement.Clone();
        }
        var v = model.Verification;
        return new CatalogModelResponse(
            model.Id,
            model.Digest,
            model.SourceUrl,
            model.Tags,
            model.Signatures.Select(s => new SignatureBody(s.KeyId, s.Algorithm, s.Value)).ToList(),
            sbom,
            new TrustPolicyBody(model.TrustPolicy.Mode.ToString().ToLowerInvariant(), model.TrustPolicy.RequireSignature, model.TrustPolicy.RequireSbom),
            model.State.ToString(),
            model.CreatedMs,
            model.UpdatedMs,
            new VerificationBody(StatusName(v.Status), v.CheckedMs, v.ActualDigest, v.Problems, v.Warnings, v.DigestMismatch),
            PoolsServing(model, pools).Select(p => p.Id).ToList());
    }

    private static string StatusName(VerificationStatus status) => status.ToString().ToLowerInvariant();
}
