using System.Text.Json;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;

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

    public static SamplingOverridesBody? Sampling(double? temperature, double? topP) =>
        temperature is null && topP is null ? null : new SamplingOverridesBody { Temperature = temperature, TopP = topP };

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
