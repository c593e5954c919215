using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

public sealed class TaskRequestValidatorTests
{
    private static readonly AdmissionLimits Limits = new() { MaxPromptChars = 100, MaxInputs = 2 };

    internal static TaskRequestBody Valid() => new()
    {
        TaskId = "0b1c7f0e-6c55-4a53-9a8f-2a4f4c1d2e01",
        SessionId = "6f1f2b7a-1111-4c2d-8e3f-000000000001",
        Workload = "completion",
        ModelRef = "sim:test",
        Engine = "llamacpp",
        Ctx = 512,
        Priority = "interactive",
        MaxTokens = 16,
        DeadlineMs = 0,
    };

    [Fact]
    public void Accepts_a_minimal_completion_and_fills_defaults()
    {
        var rejection = TaskRequestValidator.Validate(Valid(), Limits, out var spec);

        Assert.Null(rejection);
        Assert.NotNull(spec);
        Assert.Equal(Determinism.BestEffort, spec.Determinism);
        Assert.Equal("v1", spec.SamplerProfileVersion);
        Assert.Null(spec.Prompt);
        // Left to the admitted task, which derives it from its id (OrchestratedTask.Seed).
        Assert.Null(spec.Seed);
    }

    [Fact]
    public void Derived_seed_is_stable_and_depends_on_the_task_id()
    {
        var a = TaskSeed.FromTaskId("0b1c7f0e-6c55-4a53-9a8f-2a4f4c1d2e01");
        Assert.Equal(a, TaskSeed.FromTaskId("0B1C7F0E-6C55-4A53-9A8F-2A4F4C1D2E01"));
        Assert.NotEqual(a, TaskSeed.FromTaskId("0b1c7f0e-6c55-4a53-9a8f-2a4f4c1d2e02"));
    }

    public static TheoryData<Func<TaskRequestBody, TaskRequestBody>, string> BadFields => new()
    {
        { b => b with { TaskId = "not-a-uuid" }, "task_id" },
        { b => b with { SessionId = "x" }, "session_id" },
        // Guid.TryParse takes white space around a uuid; kept as sent, it made an invalid X-Task-Id header of the stream answer.
        { b => b with { TaskId = "\n01234567-89ab-4def-8123-456789abcdef" }, "task_id" },
        { b => b with { TaskId = "01234567-89ab-4def-8123-456789abcdef\u00a0" }, "task_id" },
        { b => b with { SessionId = "\u202801234567-89ab-4def-8123-456789abcdef" }, "session_id" },
        { b => b with { SessionId = " 01234567-89ab-4def-8123-456789abcdef" }, "session_id" },
        { b => b with { Workload = "chat" }, "workload" },
        { b => b with { ModelRef = " " }, "model_ref" },
        { b => b with { Engine = "ollama" }, "engine" },
        { b => b with { Ctx = 0 }, "ctx" },
        { b => b with { Priority = "urgent" }, "priority" },
        { b => b with { MaxTokens = 0 }, "max_tokens" },
        { b => b with { ModelRef = null }, "model_ref" },
        { b => b with { Engine = null }, "engine" },
        { b => b with { MaxTokens = 1024 }, "max_tokens" },
        { b => b with { DeadlineMs = -1 }, "deadline_ms" },
        { b => b with { DeadlineMs = 1_800_000_000_000 }, "deadline_ms" },
        { b => b with { Seed = -5 }, "seed" },
        { b => b with { Determinism = "exact" }, "determinism" },
        { b => b with { SamplerProfileVersion = "v9" }, "sampler_profile_version" },
        { b => b with { Prompt = new string('a', 101) }, "prompt" },
        { b => b with { Inputs = ["x"] }, "inputs" },
        { b => b with { Workload = "embedding" }, "inputs" },
        { b => b with { Workload = "rerank", Prompt = "q", Inputs = ["a", "b", "c"] }, "inputs" },
        { b => b with { Workload = "rerank", Inputs = ["a"] }, "prompt" },
        { b => b with { ExpectedTokens = -1 }, "expected_tokens" },
        { b => b with { Sampling = new SamplingOverridesBody { Temperature = 0 } }, "sampling.temperature" },
        { b => b with { Sampling = new SamplingOverridesBody { TopP = 1.5 } }, "sampling.top_p" },
        { b => b with { Sampling = new SamplingOverridesBody { RepeatPenalty = 0.5 } }, "sampling.repeat_penalty" },
        { b => b with { SamplerProfileVersion = "greedy-v1", Sampling = new SamplingOverridesBody { TopK = 5 } }, "sampling.top_k" },
        { b => b with { KvHint = "warm" }, "kv_hint" },
        { b => b with { Placement = new PlacementBody { Mode = "sticky" } }, "placement.mode" },
        { b => b with { Placement = new PlacementBody { Mode = "pin" } }, "placement.pin_pool_id" },
    };

    [Theory]
    [MemberData(nameof(BadFields))]
    public void Names_the_bad_field(Func<TaskRequestBody, TaskRequestBody> spoil, string field)
    {
        var rejection = TaskRequestValidator.Validate(spoil(Valid()), Limits, out var spec);

        Assert.Null(spec);
        Assert.NotNull(rejection);
        Assert.Equal("INVALID_PARAMS", rejection.Code);
        Assert.StartsWith(field + ":", rejection.Message);
    }

    [Fact]
    public void Unknown_enum_value_lists_the_allowed_ones()
    {
        var rejection = TaskRequestValidator.Validate(Valid() with { Priority = "urgent" }, Limits, out _);
        Assert.Contains("interactive|batch", rejection!.Message);
    }

    [Fact]
    public void Task_ids_are_kept_as_sent_and_stored_by_their_canonical_form()
    {
        TaskRequestValidator.Validate(Valid() with { TaskId = "0B1C7F0E6C554A539A8F2A4F4C1D2E01" }, Limits, out var spec);
        Assert.Equal("0B1C7F0E6C554A539A8F2A4F4C1D2E01", spec!.TaskId);
        Assert.Equal("0b1c7f0e-6c55-4a53-9a8f-2a4f4c1d2e01", TaskStore.CanonicalId(spec.TaskId));
        Assert.Equal(TaskSeed.FromTaskId("0b1c7f0e-6c55-4a53-9a8f-2a4f4c1d2e01"), TaskSeed.FromTaskId(spec.TaskId));
    }

    [Theory]
    [InlineData("6f1f2b7a-1111-4c2d-8e3f-000000000001")]
    [InlineData("6F1F2B7A-1111-4C2D-8E3F-000000000001")]
    [InlineData("6f1f2b7a11114c2d8e3f000000000001")]
    [InlineData("{6f1f2b7a-1111-4c2d-8e3f-000000000001}")]
    public void A_session_id_is_kept_in_its_canonical_spelling_and_a_canonical_one_as_it_came(string sent)
    {
        Assert.Null(TaskRequestValidator.Validate(Valid() with { SessionId = sent }, Limits, out var spec));

        Assert.Equal("6f1f2b7a-1111-4c2d-8e3f-000000000001", spec!.SessionId);
        // Kept, not spelled anew: every submission carries one, so a second string per request would only be garbage.
        Assert.Equal(sent == spec.SessionId, ReferenceEquals(sent, spec.SessionId));
    }

    [Fact]
    public void Only_the_model_and_engine_are_needed_every_other_field_has_a_default()
    {
        var rejection = TaskRequestValidator.Validate(new TaskRequestBody { ModelRef = "sim:test", Engine = "llamacpp" }, Limits, out var spec);

        Assert.Null(rejection);
        Assert.True(Guid.TryParse(spec!.TaskId, out var taskId) && taskId.Version == 4, spec.TaskId);
        Assert.True(Guid.TryParse(spec.SessionId, out var sessionId) && sessionId.Version == 4, spec.SessionId);
        Assert.NotEqual(spec.TaskId, spec.SessionId);
        Assert.Equal((Workload.Completion, Priority.Interactive, 0L), (spec.Workload, spec.Priority, spec.DeadlineMs));
        Assert.Null(spec.Ctx);
        Assert.Null(spec.MaxTokens);
        Assert.Null(spec.Seed);
    }

    [Fact]
    public void Overrides_apply_within_the_profile_and_greedy_is_offered()
    {
        TaskRequestValidator.Validate(Valid() with { Sampling = new SamplingOverridesBody { Temperature = 0.5, TopK = 10 } }, Limits, out var tuned);
        Assert.Equal((0.5, 10, 0.95), (tuned!.Sampling.Temperature, tuned.Sampling.TopK, tuned.Sampling.TopP));

        TaskRequestValidator.Validate(Valid() with { SamplerProfileVersion = "greedy-v1", Sampling = new SamplingOverridesBody { RepeatPenalty = 1.1 } }, Limits, out var greedy);
        Assert.True(greedy!.Sampling.IsGreedy);
        Assert.Equal(1.1, greedy.Sampling.RepeatPenalty);

        var unknown = TaskRequestValidator.Validate(Valid() with { SamplerProfileVersion = "v9" }, Limits, out _);
        Assert.Contains("greedy-v1", unknown!.Message);
    }
}
