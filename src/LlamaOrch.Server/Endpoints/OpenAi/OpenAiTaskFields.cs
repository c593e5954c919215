using System.Text.Json;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>
/// What every OpenAI request says about its task beyond its own body: the model (a model ref, a catalog id or a pool
/// id, resolved by admission), the priority (<c>X-Priority</c>, else the body's <c>priority</c>), and the session
/// (<c>X-Session-Id</c>, else the <c>user</c> field).
/// </summary>
internal static class OpenAiTaskFields
{
    private const string PriorityHeader = DoorTask.PriorityHeader;
    private const string SessionHeader = DoorTask.SessionHeader;

    public static TaskRequestBody Base(HttpContext context, string workload, string? model, string? user, string? priority) => new()
    {
        Workload = workload,
        ModelRef = string.IsNullOrEmpty(model) ? null : model,
        Priority = HeaderOrNull(context, PriorityHeader) ?? priority,
        SessionId = SessionOf(context, user),
    };

    /// <summary>The session of <c>X-Session-Id</c>, else of <c>user</c> (<see cref="StableSessionId"/>); null for a new session.</summary>
    public static string? SessionOf(HttpContext context, string? user) =>
        (HeaderOrNull(context, SessionHeader) ?? user) is { Length: > 0 } key ? StableSessionId.Of(key) : null;

    /// <summary>OpenAI's <c>stop</c>: absent, null, a string, or an array of strings.</summary>
    public static Rejection? ReadStop(JsonElement? stop, out List<string> strings)
    {
        strings = [];
        if (stop is not { } value || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind == JsonValueKind.String)
        {
            strings.Add(value.GetString()!);
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array) return Rejection.InvalidParams("stop", "must be a string or an array of strings");
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String) return Rejection.InvalidParams("stop", "must be a string or an array of strings");
            strings.Add(item.GetString()!);
        }
        return null;
    }

    /// <summary>
    /// OpenAI's <c>temperature</c> (0 to 2) and <c>top_p</c> as the task's sampling: temperature 0, what OpenAI clients send
    /// for deterministic answers, is greedy decoding (the <c>greedy-v1</c> profile, where <c>top_p</c> has no part). The
    /// ranges are checked here so that a refusal names the request's own field.
    /// </summary>
    public static Rejection? Sampling(double? temperature, double? topP, out string? profile, out SamplingOverridesBody? sampling)
    {
        profile = null;
        sampling = null;
        if (temperature is { } t && !(t >= 0 && t <= 2)) return Rejection.InvalidParams("temperature", "must be between 0 and 2");
        if (topP is { } p && !(p > 0 && p <= 1)) return Rejection.InvalidParams("top_p", "must be in (0, 1]");
        if (temperature == 0) profile = SamplingProfile.GreedyV1.Version;
        else if (temperature is not null || topP is not null) sampling = new SamplingOverridesBody { Temperature = temperature, TopP = topP };
        return null;
    }

    /// <summary>
    /// Answers the door's 404 for a model no pool serves (<see cref="DoorTask.UnknownModel"/>) and returns true; false when
    /// a pool serves it. <paramref name="resolved"/> is the request's body after <see cref="AdmissionService.WithDefaults"/>.
    /// </summary>
    public static async Task<bool> RefusedUnknownModelAsync(HttpContext context, AdmissionService admission, TaskRequestBody resolved, string? requested)
    {
        if (DoorTask.UnknownModel(admission, resolved, requested) is not { } unknown) return false;
        await OpenAiErrors.WriteAsync(context, unknown);
        return true;
    }

    /// <summary>OpenAI's finish reasons from our stop reasons: a deadline truncates as a length limit does.</summary>
    public static string FinishReasonOf(string stopReason) => stopReason switch
    {
        "limit" or "deadline" => "length",
        _ => "stop",
    };

    /// <summary>Unix seconds, as OpenAI's <c>created</c>.</summary>
    public static long Now() => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

    private static string? HeaderOrNull(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out var values) && values.ToString() is { Length: > 0 } value ? value : null;
}
