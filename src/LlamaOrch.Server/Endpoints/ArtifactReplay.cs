using System.Text.Json;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Artifacts;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Artifacts;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Engines;
using LlamaOrch.Engines.Artifacts;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// <c>POST /v1/artifacts/{id}/replay</c>: a new task from a <c>transcript</c> artifact, with its prompt, parameters,
/// seed, sampler profile and determinism, admitted like <c>POST /v1/tasks</c> (docs/determinism.md: with
/// <c>determinism: strict</c> on the same model and engine it generates the same tokens).
/// </summary>
internal static class ArtifactReplay
{
    private const string Example = "{\"session_id\": \"…\", \"priority\": \"batch\"} (both optional; the body may be empty)";

    public static async Task HandleAsync(HttpContext context, string id, ArtifactStore store, ModelCatalog catalog,
        AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        var overrides = new ReplayRequest();
        if (HasBody(context.Request))
        {
            if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.ReplayRequest, Example) is not { } given) return;
            overrides = given;
        }
        if (await ArtifactEndpoints.FindOrRefuseAsync(context, id, store) is not { } record) return;
        if (record.Kind != ArtifactKinds.Transcript)
        {
            await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("id", $"artifact {id} is a {record.Kind}, not a transcript; only a transcript can be replayed"));
            return;
        }
        if (await store.ReadAsync(record, context.RequestAborted) is not { } bytes)
        {
            await ErrorResponses.NotFoundAsync(context, $"artifact {id} is indexed but its file is gone (removed outside orchestratord)");
            return;
        }

        TaskRequestBody body;
        string? recordedDigest;
        using (var stored = JsonDocument.Parse(bytes))
        {
            var content = stored.RootElement.GetProperty("content");
            if (WrongType(content) is { } wrong)
            {
                await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("id",
                    $"artifact {id} is not a transcript orchestratord wrote: its content.{wrong.Field} must be {wrong.Expected}"));
                return;
            }
            if (ToTaskBody(content, out recordedDigest) is not { } fromTranscript)
            {
                await ErrorResponses.WriteAsync(context, Rejection.InvalidParams("id",
                    $"artifact {id} is not a transcript orchestratord wrote: it lacks prompt, model_ref, seed, determinism or sampler_profile_version"));
                return;
            }
            body = fromTranscript with { SessionId = overrides.SessionId, Priority = overrides.Priority };
        }
        if (recordedDigest is not null && catalog.DigestOf(body.ModelRef!) is { } servedDigest && servedDigest != recordedDigest)
        {
            await ErrorResponses.WriteAsync(context, new Rejection(ErrorCodes.ModelDigestMismatch,
                $"the transcript was made with {body.ModelRef} at {recordedDigest}, but the catalog now has {servedDigest}: a replay would not reproduce it",
                Retriable: false));
            return;
        }

        var admitted = await TaskAdmission.AdmitAsync(context, body, admission, limits, metrics);
        if (admitted.Rejection is { } rejection)
        {
            await ErrorResponses.WriteAsync(context, rejection, admitted.Engine);
            return;
        }
        await TaskSubmission.WriteAdmittedAsync(context, admitted);
    }

    private static bool HasBody(HttpRequest request) =>
        request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    /// <summary>The task a transcript records, or null when the content lacks what a replay needs (an artifact a client stored by hand).</summary>
    private static TaskRequestBody? ToTaskBody(JsonElement content, out string? digest)
    {
        digest = Text(content, "model_digest");
        if (content.ValueKind != JsonValueKind.Object
            || Text(content, "prompt") is not { } prompt || Text(content, "model_ref") is not { } modelRef
            || Text(content, "determinism") is not { } determinism || Text(content, "sampler_profile_version") is not { } profile
            || !content.TryGetProperty("seed", out var seedValue) || seedValue.ValueKind != JsonValueKind.Number || !seedValue.TryGetInt64(out var seed))
            return null;
        return new TaskRequestBody
        {
            Workload = "completion",
            ModelRef = modelRef,
            Engine = Text(content, "engine"),
            Prompt = prompt,
            Seed = seed,
            Determinism = determinism,
            SamplerProfileVersion = profile,
            Sampling = Overrides(content, profile),
            MaxTokens = Int(content, "max_tokens"),
            Ctx = Int(content, "ctx"),
            Stop = content.TryGetProperty("stop", out var stop) && stop.ValueKind == JsonValueKind.Array
                ? stop.EnumerateArray().Where(s => s.ValueKind == JsonValueKind.String).Select(s => s.GetString()!).ToList()
                : null,
            Grammar = Text(content, "grammar"),
        };
    }

    /// <summary>
    /// The recorded sampling values that differ from the profile's own, as overrides: a profile that allows none
    /// (greedy-v1) then gets none, and the new task samples with exactly the recorded values.
    /// </summary>
    private static SamplingOverridesBody? Overrides(JsonElement content, string profileVersion)
    {
        if (!content.TryGetProperty("sampling", out var sampling) || sampling.ValueKind != JsonValueKind.Object
            || !SamplingProfile.Known.TryGetValue(profileVersion, out var profile))
            return null;
        double? Differs(string name, double current) =>
            sampling.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var recorded) && recorded != current ? recorded : null;
        var overrides = new SamplingOverridesBody
        {
            Temperature = Differs("temperature", profile.Temperature),
            TopK = Differs("top_k", profile.TopK) is { } k ? (int)k : null,
            TopP = Differs("top_p", profile.TopP),
            MinP = Differs("min_p", profile.MinP),
            RepeatPenalty = Differs("repeat_penalty", profile.RepeatPenalty),
        };
        return overrides == new SamplingOverridesBody() ? null : overrides;
    }

    /// <summary>
    /// The first number that is there with another JSON type or out of range (a hand-made transcript's
    /// <c>"max_tokens": "5"</c>): an optional one taken as absent would quietly replay another task than the one recorded.
    /// </summary>
    private static (string Field, string Expected)? WrongType(JsonElement content)
    {
        if (content.ValueKind != JsonValueKind.Object) return null;
        if (content.TryGetProperty("seed", out var seed) && (seed.ValueKind != JsonValueKind.Number || !seed.TryGetInt64(out _)))
            return ("seed", "a whole number");
        foreach (var name in (string[])["max_tokens", "ctx"])
        {
            if (content.TryGetProperty(name, out var value) && (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out _)))
                return (name, "a whole number");
        }
        if (!content.TryGetProperty("sampling", out var sampling)) return null;
        if (sampling.ValueKind != JsonValueKind.Object) return ("sampling", "an object");
        foreach (var name in (string[])["temperature", "top_k", "top_p", "min_p", "repeat_penalty"])
        {
            if (sampling.TryGetProperty(name, out var value) && (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out _)))
                return ($"sampling.{name}", "a number");
        }
        return null;
    }

    private static string? Text(JsonElement content, string name) =>
        content.ValueKind == JsonValueKind.Object && content.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static int? Int(JsonElement content, string name) =>
        content.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : null;
}
