using LlamaOrch.Contracts.Anthropic;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Server.Endpoints.Anthropic;

/// <summary>
/// The task a <c>/v1/messages</c> request becomes: the rendered prompt, <c>max_tokens</c>, the template's and the
/// request's stop strings, the grammar, sampling; priority from <c>X-Priority</c>, session from <c>X-Session-Id</c>
/// or else <c>metadata.user_id</c> (<see cref="StableSessionId"/>). Everything else is the task API's default.
/// </summary>
internal static class AnthropicTaskBody
{
    private const string PriorityHeader = DoorTask.PriorityHeader;
    private const string SessionHeader = DoorTask.SessionHeader;

    public static Rejection? Build(HttpContext context, MessagesRequest request, AnthropicPrompt prompt, out TaskRequestBody? body)
    {
        body = null;
        if (request.MaxTokens is null) return Bad("max_tokens", "required: the most tokens to generate");
        if (request.MaxTokens <= 0) return Bad("max_tokens", "must be at least 1");
        if (PriorityOf(context) is var (priority, priorityProblem) && priorityProblem is not null) return priorityProblem;
        if (SessionOf(context, request) is var (session, sessionProblem) && sessionProblem is not null) return sessionProblem;
        if (SamplingOf(request, out var profile, out var sampling) is { } samplingProblem) return samplingProblem;

        List<string> stop = [.. prompt.Rendered.Stop];
        // The task's stop list holds the template's strings too: the limits are named for what the client sent.
        var room = TaskRequestValidator.MaxStopSequences - stop.Count;
        if (request.StopSequences is { } sequences && sequences.Count > room) return Bad("stop_sequences", $"at most {room} for this model");
        foreach (var sequence in request.StopSequences ?? [])
        {
            if (sequence is not { Length: > 0 and <= TaskRequestValidator.MaxStopChars })
                return Bad("stop_sequences", $"each must be 1 to {TaskRequestValidator.MaxStopChars} characters");
            if (!stop.Contains(sequence, StringComparer.Ordinal)) stop.Add(sequence);
        }

        body = prompt.Defaults with
        {
            Prompt = prompt.Prompt,
            MaxTokens = request.MaxTokens,
            Priority = priority,
            SessionId = session,
            Stop = stop,
            Grammar = prompt.Grammar,
            SamplerProfileVersion = profile,
            Sampling = sampling,
        };
        return null;
    }

    private static (string? Priority, Rejection? Problem) PriorityOf(HttpContext context)
    {
        var header = context.Request.Headers[PriorityHeader].ToString().Trim();
        if (header.Length == 0) return (null, null);
        return WireNames.Priorities.ContainsKey(header)
            ? (header, null)
            : (null, Bad(PriorityHeader, $"unknown value '{header}' (expected interactive|batch)"));
    }

    private static (string? Session, Rejection? Problem) SessionOf(HttpContext context, MessagesRequest request)
    {
        var header = context.Request.Headers[SessionHeader].ToString().Trim();
        var (key, field) = header.Length > 0 ? (header, SessionHeader) : (request.Metadata?.UserId, "metadata.user_id");
        if (string.IsNullOrEmpty(key)) return (null, null);
        return key.Length > StableSessionId.MaxKeyChars
            ? (null, Bad(field, $"longer than {StableSessionId.MaxKeyChars} characters"))
            : (StableSessionId.Of(key), null);
    }

    /// <summary>
    /// Anthropic's <c>temperature</c> is 0 to 1 (1 by default). 0 asks for the most likely token each time: the greedy
    /// profile, whose filters nothing can change. Above 0 it is the <c>v1</c> profile's temperature.
    /// </summary>
    private static Rejection? SamplingOf(MessagesRequest request, out string? profile, out SamplingOverridesBody? sampling)
    {
        profile = null;
        sampling = null;
        if (request.Temperature is { } t && !(t >= 0 && t <= 1)) return Bad("temperature", "must be between 0 and 1");
        if (request.TopP is { } p && !(p > 0 && p <= 1)) return Bad("top_p", "must be in (0, 1]");
        if (request.TopK is { } k && k < 0) return Bad("top_k", "must not be negative");
        if (request.Temperature == 0)
        {
            profile = SamplingProfile.GreedyV1.Version;
            return null;
        }
        if (request.Temperature is null && request.TopP is null && request.TopK is null) return null;
        sampling = new SamplingOverridesBody { Temperature = request.Temperature, TopP = request.TopP, TopK = request.TopK };
        return null;
    }

    private static Rejection Bad(string field, string problem) => Rejection.InvalidParams(field, problem);
}
