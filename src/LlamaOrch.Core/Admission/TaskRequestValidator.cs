using System.Globalization;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// Turns a wire body into a <see cref="TaskSpec"/>, or a rejection that names the first bad field.
/// Pool-dependent limits (ctx, max_tokens, workload) are checked later, against the chosen pool.
/// </summary>
public static class TaskRequestValidator
{
    public const string DefaultSamplerProfile = "v1";

    /// <summary>30 days: longer deadlines are almost surely unit mistakes, and timers cannot hold them.</summary>
    public const long MaxDeadlineMs = 30L * 24 * 3600 * 1000;

    /// <summary>
    /// Null when the body is valid (and <paramref name="spec"/> is set), else the rejection. Only the model
    /// must be known: <c>model_ref</c> and <c>engine</c> are filled beforehand by
    /// <see cref="AdmissionService.WithDefaults"/>; every other field has a default here.
    /// </summary>
    public static Rejection? Validate(TaskRequestBody body, AdmissionLimits limits, out TaskSpec? spec)
    {
        spec = null;
        if (body.TaskId is not null && !IsUuid(body.TaskId)) return Bad("task_id", "must be a uuid (or left out: the server makes one)");
        if (body.SessionId is not null && !IsUuid(body.SessionId)) return Bad("session_id", "must be a uuid (or left out: the server makes one)");
        var workload = Workload.Completion;
        if (body.Workload is not null && !TryEnum(body.Workload, WireNames.Workloads, "workload", out workload, out var error)) return error;
        if (string.IsNullOrWhiteSpace(body.ModelRef)) return Bad("model_ref", "required");
        if (body.ModelRef.Length > limits.MaxModelRefChars) return Bad("model_ref", $"longer than {limits.MaxModelRefChars} characters");
        if (!TryEnum(body.Engine, WireNames.Engines, "engine", out var engine, out error)) return error;
        if (body.Ctx is <= 0) return Bad("ctx", "must be positive (or left out: the context per slot of the pool that runs the task)");
        var priority = Priority.Interactive;
        if (body.Priority is not null && !TryEnum(body.Priority, WireNames.Priorities, "priority", out priority, out error)) return error;
        if (body.MaxTokens is <= 0) return Bad("max_tokens", "must be positive (or left out: generate until end of sequence or a full context)");
        if (body.MaxTokens > body.Ctx) return Bad("max_tokens", $"{body.MaxTokens} exceeds the task's ctx {body.Ctx}");
        var deadlineMs = body.DeadlineMs ?? 0;
        if (deadlineMs < 0) return Bad("deadline_ms", "must not be negative (0 means no deadline)");
        if (deadlineMs > MaxDeadlineMs) return Bad("deadline_ms", $"must be at most {MaxDeadlineMs} (30 days; it is relative to admission, not a timestamp)");
        if (body.Seed is { } seed && (seed < 0 || seed > uint.MaxValue)) return Bad("seed", $"must be between 0 and {uint.MaxValue}");

        var determinism = Determinism.BestEffort;
        if (body.Determinism is not null && !TryEnum(body.Determinism, WireNames.Determinisms, "determinism", out determinism, out error)) return error;

        var samplerProfile = body.SamplerProfileVersion ?? DefaultSamplerProfile;
        if (!SamplingProfile.Known.TryGetValue(samplerProfile, out var profile))
            return Bad("sampler_profile_version", $"unknown profile '{samplerProfile}' (known: {string.Join(", ", SamplingProfile.Known.Keys)})");
        if (SamplingOverrides.Apply(profile, body.Sampling, out var sampling) is { } samplingError) return samplingError;

        if (workload == Workload.Rerank && body.Prompt is null)
            return Bad("prompt", "required for workload rerank: the query the inputs are scored against");
        if (body.Prompt is { } prompt && prompt.Length > limits.MaxPromptChars)
            return Bad("prompt", $"{prompt.Length} characters exceed the limit of {limits.MaxPromptChars}");
        if (InputsProblem(body.Inputs, workload, limits) is { } inputsProblem) return Bad("inputs", inputsProblem);
        if (body.ExpectedTokens is < 0) return Bad("expected_tokens", "must not be negative");
        if (StopProblem(body.Stop, workload) is { } stopProblem) return Bad("stop", stopProblem);
        if (body.Grammar is { } grammar)
        {
            if (workload != Workload.Completion) return Bad("grammar", "only a completion generates text a grammar can constrain");
            if (grammar.Length == 0 || grammar.Length > MaxGrammarChars) return Bad("grammar", $"must be 1 to {MaxGrammarChars} characters of GBNF");
        }

        if (body.Transcript == true && workload != Workload.Completion)
            return Bad("transcript", "only a completion has a transcript (prompt and generated tokens)");

        KvHint? kvHint = null;
        if (body.KvHint is not null)
        {
            if (!TryEnum(body.KvHint, WireNames.KvHints, "kv_hint", out var hint, out error)) return error;
            kvHint = hint;
        }

        PlacementSpec? placement = null;
        if (body.Placement is { } placementBody)
        {
            if (PlacementProblem(placementBody, out placement) is { } placementError) return placementError;
        }

        // The task id is kept exactly as sent (the client matches on it); the store key and the seed an admitted task
        // derives come from its canonical spelling, so that one uuid is one task and one seed however it was written.
        var taskId = body.TaskId ?? Guid.NewGuid().ToString("D");
        spec = new TaskSpec
        {
            TaskId = taskId,
            // A session id sent in its canonical spelling (as SDKs send it) is kept as it came, not parsed and spelled anew.
            SessionId = body.SessionId is null ? Guid.NewGuid().ToString("D") : TaskStore.CanonicalId(body.SessionId),
            Workload = workload,
            ModelRef = body.ModelRef,
            Engine = engine,
            Ctx = body.Ctx,
            Priority = priority,
            Seed = body.Seed,
            Determinism = determinism,
            SamplerProfileVersion = samplerProfile,
            Sampling = sampling,
            Prompt = body.Prompt,
            Inputs = body.Inputs,
            MaxTokens = body.MaxTokens,
            DeadlineMs = deadlineMs,
            ExpectedTokens = body.ExpectedTokens,
            KvHint = kvHint,
            Placement = placement,
            Stop = body.Stop is { Count: > 0 } stop ? stop : null,
            Grammar = body.Grammar,
            Transcript = body.Transcript == true,
        };
        return null;
    }

    /// <summary>llama-server takes any number; a few suffice for every chat template, and each is matched on every token.</summary>
    public const int MaxStopSequences = 16;
    public const int MaxStopChars = 256;

    /// <summary>64 KiB of GBNF: a JSON schema's grammar is a few KiB; llama.cpp parses it once per request.</summary>
    public const int MaxGrammarChars = 64 * 1024;

    private static string? StopProblem(List<string>? stop, Workload workload)
    {
        if (stop is null || stop.Count == 0) return null;
        if (workload != Workload.Completion) return "only a completion generates text to stop";
        if (stop.Count > MaxStopSequences) return $"{stop.Count} stop strings exceed the limit of {MaxStopSequences}";
        for (var index = 0; index < stop.Count; index++)
            if (stop[index] is not { Length: > 0 and <= MaxStopChars })
                return $"stop[{index}] must be 1 to {MaxStopChars} characters";
        return null;
    }

    private static string? InputsProblem(List<string>? inputs, Workload workload, AdmissionLimits limits)
    {
        if (workload == Workload.Completion)
            return inputs is null ? null : "only embedding and rerank take inputs; a completion uses prompt";
        if (inputs is null || inputs.Count == 0) return $"required and non-empty for workload {WireNames.Of(workload)}";
        if (inputs.Count > limits.MaxInputs) return $"{inputs.Count} inputs exceed the limit of {limits.MaxInputs}";
        for (var index = 0; index < inputs.Count; index++)
        {
            if (inputs[index] is null) return $"inputs[{index}] is null";
            if (inputs[index].Length > limits.MaxPromptChars) return $"inputs[{index}] exceeds {limits.MaxPromptChars} characters";
        }
        return null;
    }

    private static Rejection? PlacementProblem(PlacementBody body, out PlacementSpec? placement)
    {
        placement = null;
        var mode = PlacementMode.Auto;
        if (body.Mode is not null && !TryEnum(body.Mode, WireNames.PlacementModes, "placement.mode", out mode, out var error)) return error;
        if (mode == PlacementMode.Pin && string.IsNullOrWhiteSpace(body.PinPoolId))
            return Bad("placement.pin_pool_id", "required when placement.mode is pin");
        if (mode == PlacementMode.Prefer && body.PreferPools is not { Count: > 0 })
            return Bad("placement.prefer_pools", "required (at least one pool id) when placement.mode is prefer");
        IReadOnlyList<string>? devices = null;
        if (body.RequireDeviceMask is { } mask && !TryParseDeviceMask(mask, out devices))
            return Bad("placement.require_device_mask", $"'{mask}' is not a device list: comma-separated GPU indices (\"0,1\") or \"cpu\"");
        placement = new PlacementSpec(
            mode,
            body.PinPoolId,
            body.PreferPools ?? [],
            body.AvoidPools ?? [],
            devices,
            body.AllowFallback ?? true);
        return null;
    }

    /// <summary>GPU indices as CUDA_VISIBLE_DEVICES writes them ("0,1"), or "cpu".</summary>
    private static bool TryParseDeviceMask(string mask, out IReadOnlyList<string>? devices)
    {
        devices = null;
        var parsed = new List<string>();
        foreach (var part in mask.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part == "cpu") parsed.Add(part);
            else if (part.Length is > 0 and <= 3 && part.All(char.IsAsciiDigit)) parsed.Add(int.Parse(part, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
            else return false;
        }
        devices = parsed;
        return true;
    }

    /// <summary>A uuid as written, with nothing around it: Guid.TryParse takes surrounding white space, which the id would keep.</summary>
    private static bool IsUuid(string? value) =>
        value is { Length: > 0 } && !char.IsWhiteSpace(value[0]) && !char.IsWhiteSpace(value[^1]) && Guid.TryParse(value, out _);

    private static bool TryEnum<T>(string? value, IReadOnlyDictionary<string, T> names, string field, out T parsed, out Rejection? error)
        where T : struct
    {
        error = null;
        if (value is not null && names.TryGetValue(value, out parsed)) return true;
        parsed = default;
        var allowed = string.Join("|", names.Keys);
        error = Bad(field, value is null ? $"required ({allowed})" : $"unknown value '{value}' (expected {allowed})");
        return false;
    }

    private static Rejection Bad(string field, string problem) => Rejection.InvalidParams(field, problem);
}
