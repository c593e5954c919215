using System.Security.Cryptography;
using System.Text;
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
    public const string PriorityHeader = "X-Priority";
    public const string SessionHeader = "X-Session-Id";

    /// <summary>The namespace of the session ids made from <c>user</c>: the same user always maps to the same session.</summary>
    private const string UserSessionPrefix = "llama-orch/openai-user/";

    public static TaskRequestBody Base(HttpContext context, string workload, string? model, string? user, string? priority) => new()
    {
        Workload = workload,
        ModelRef = string.IsNullOrEmpty(model) ? null : model,
        Priority = HeaderOrNull(context, PriorityHeader) ?? priority,
        SessionId = HeaderOrNull(context, SessionHeader) ?? SessionOfUser(user),
    };

    /// <summary>
    /// A <c>user</c> that is a uuid is the session id itself; any other is mapped to a stable uuid: the first 16 bytes
    /// of SHA-256("llama-orch/openai-user/" + user), marked as a version-8 (custom) RFC 9562 uuid.
    /// </summary>
    public static string? SessionOfUser(string? user)
    {
        if (string.IsNullOrEmpty(user)) return null;
        if (Guid.TryParseExact(user, "D", out var direct)) return direct.ToString("D");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(UserSessionPrefix + user), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true).ToString("D");
    }

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
