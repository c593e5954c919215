using System.Net;
using System.Text.Json.Nodes;
using LlamaOrch.Client;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Pact.Tests.Contract;
using LlamaOrch.Pact.Tests.Ffi;
using static LlamaOrch.Pact.Tests.Contract.CliPact;

namespace LlamaOrch.Pact.Tests.Consumer;

/// <summary>What <c>llorch run</c> relies on: submitting (202, 429, 503, 403), reading the stream, cancelling.</summary>
internal static class TaskExpectations
{
    public const string EnqueuedTask = "0e5c7b9a-3f61-4d2a-8c4e-7a1b2c3d4e01";
    public const string BudgetedTask = "0e5c7b9a-3f61-4d2a-8c4e-7a1b2c3d4e02";
    public const string RejectedTask = "0e5c7b9a-3f61-4d2a-8c4e-7a1b2c3d4e03";
    public const string DrainedTask = "0e5c7b9a-3f61-4d2a-8c4e-7a1b2c3d4e04";
    public const string RetiredTask = "0e5c7b9a-3f61-4d2a-8c4e-7a1b2c3d4e05";

    /// <summary>
    /// A finished task's stream: <c>started</c> (after the metrics frames of its wait in the queue, if it waited), then
    /// tokens and metrics frames, then <c>end</c> (a keep-alive comment may come between frames). Each frame is one <c>event:</c> line and one <c>data:</c> line of JSON.
    /// </summary>
    public const string FinishedStream =
        @"^(event: metrics\ndata: \{[^\n]*\}\n\n|: keep-alive\n\n)*event: started\ndata: \{[^\n]*""pool_id"":""[^""]+""[^\n]*\}\n\n" +
        @"(event: (token|metrics)\ndata: \{[^\n]*\}\n\n|: keep-alive\n\n)*" +
        @"event: end\ndata: \{""tokens_out"":[0-9]+,[^\n]*""stop_reason"":""[a-z_]+""[^\n]*\}\n\n$";

    /// <summary>The stream of a task whose engine died under it: its frames so far, then an <c>error</c> frame naming the engine.</summary>
    public const string BrokenStream =
        @"^(event: metrics\ndata: \{[^\n]*\}\n\n|: keep-alive\n\n)*event: started\ndata: \{[^\n]*\}\n\n" +
        @"(event: (token|metrics)\ndata: \{[^\n]*\}\n\n|: keep-alive\n\n)*" +
        @"event: error\ndata: \{""code"":""WORKER_RESET"",""message"":""[^\n]*"",""engine"":""llamacpp""[^\n]*\}\n\n$";

    public static IEnumerable<CliExpectation> All()
    {
        yield return new CliExpectation("a task submission", "pact-enqueue", i => i
                .Given(FastPoolServes)
                .WithRequest("POST", "/v1/tasks")
                .WithRequestJson(Submission(EnqueuedTask, EnqueueSession, FastModel))
                .WillRespondWith(202)
                .WithResponseHeader("Location", Match.Regex("^/v1/tasks/[^/]+/stream$", $"/v1/tasks/{EnqueuedTask}/stream"))
                .WithResponseJson(Admission(EnqueuedTask, EnqueueSession, "fast")),
            async client =>
            {
                var submitted = await client.SubmitTaskAsync(Request(EnqueuedTask, EnqueueSession, FastModel));
                Assert.Equal(HttpStatusCode.Accepted, submitted.StatusCode);
                Assert.Equal(EnqueuedTask, submitted.Value.Admission!.TaskId);
                Assert.Equal("fast", submitted.Value.Admission.PoolId);
                Assert.Equal("pact-enqueue", submitted.CorrelationId);
            });

        yield return new CliExpectation("a task submission in a session with a token budget", "pact-budget", i => i
                .Given(SessionHasBudget, new JsonObject { ["session_id"] = BudgetSession, ["tokens"] = 1000 })
                .WithRequest("POST", "/v1/tasks")
                .WithRequestJson(Submission(BudgetedTask, BudgetSession, FastModel))
                .WillRespondWith(202)
                .WithResponseHeader("X-Budget-Tokens-Remaining", Match.Regex(Match.Digits, "1000"))
                .WithResponseJson(Admission(BudgetedTask, BudgetSession, "fast")),
            async client =>
            {
                var submitted = await client.SubmitTaskAsync(Request(BudgetedTask, BudgetSession, FastModel));
                Assert.Equal(BudgetSession, submitted.Value.Admission!.SessionId);
            });

        yield return new CliExpectation("a task submission to a full queue", "pact-queue-full", i => i
                .Given(TinyQueueFull)
                .WithRequest("POST", "/v1/tasks")
                .WithRequestJson(Submission(RejectedTask, EnqueueSession, TinyModel))
                .WillRespondWith(429)
                .WithResponseHeader("Retry-After", Match.Regex(Match.Digits, "1"))
                .WithResponseHeader("X-Backoff-Ms", Match.Regex(Match.Digits, "250"))
                .WithResponseJson(Error(ErrorCodes.AdmissionReject, "llamacpp", "pact-queue-full", retriable: true, retryAfterMs: 250)),
            async client =>
            {
                var refused = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.SubmitTaskAsync(Request(RejectedTask, EnqueueSession, TinyModel)));
                Assert.True(refused.IsBackpressure);
                Assert.Equal(TimeSpan.FromMilliseconds(250), refused.RetryAfter);
                Assert.Equal("llamacpp", refused.Engine);
            });

        yield return new CliExpectation("a task submission to a drained pool", "pact-drained", i => i
                .Given(DrainablePoolDrained)
                .WithRequest("POST", "/v1/tasks")
                .WithRequestJson(Submission(DrainedTask, EnqueueSession, DrainableModel))
                .WillRespondWith(503)
                .WithResponseJson(Error(ErrorCodes.PoolUnavailable, "llamacpp", "pact-drained", retriable: false)),
            async client =>
            {
                var refused = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.SubmitTaskAsync(Request(DrainedTask, EnqueueSession, DrainableModel)));
                Assert.Equal(ErrorCodes.PoolUnavailable, refused.Code);
                Assert.False(refused.IsRetriable);
            });

        yield return new CliExpectation("a task submission for a retired model", "pact-retired", i => i
                .Given(ModelRetired)
                .WithRequest("POST", "/v1/tasks")
                .WithRequestJson(Submission(RetiredTask, EnqueueSession, RetiredModel))
                .WillRespondWith(403)
                .WithResponseJson(Error(ErrorCodes.ModelDeprecated, null, "pact-retired", retriable: false)),
            async client =>
            {
                var refused = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.SubmitTaskAsync(Request(RetiredTask, EnqueueSession, RetiredModel)));
                Assert.Equal(ErrorCodes.ModelDeprecated, refused.Code);
            });

        yield return new CliExpectation("the stream of a finished task", "pact-stream", i => i
                .Given(TaskFinished, new JsonObject { ["task_id"] = StreamedTask })
                .WithRequest("GET", $"/v1/tasks/{StreamedTask}/stream")
                .WithRequestHeader("Accept", "text/event-stream")
                .WillRespondWith(200)
                .WithResponseHeader("Content-Type", Match.Regex("^text/event-stream", "text/event-stream"))
                .WithResponseText("text/event-stream", FinishedExample, FinishedStream),
            async client =>
            {
                var result = await client.StreamTask(StreamedTask).CollectAsync();
                Assert.True(result.Succeeded);
                Assert.Equal("Once upon", result.Text);
                Assert.Equal(2, result.End!.TokensOut);
                Assert.Equal("fast", result.Started!.PoolId);
            });

        yield return new CliExpectation("the stream of a task whose engine died", "pact-worker-reset", i => i
                .Given(TaskEngineDied, new JsonObject { ["task_id"] = BrokenTask })
                .WithRequest("GET", $"/v1/tasks/{BrokenTask}/stream")
                .WithRequestHeader("Accept", "text/event-stream")
                .WillRespondWith(200)
                .WithResponseHeader("Content-Type", Match.Regex("^text/event-stream", "text/event-stream"))
                .WithResponseText("text/event-stream", BrokenExample, BrokenStream),
            async client =>
            {
                var result = await client.StreamTask(BrokenTask).CollectAsync();
                Assert.False(result.Succeeded);
                Assert.Equal(ErrorCodes.WorkerReset, result.Error!.Code);
                Assert.Equal("llamacpp", result.Error.Engine);
            });

        yield return new CliExpectation("a cancel of a running task", "pact-cancel", i => i
                .Given(TaskRunning, new JsonObject { ["task_id"] = CanceledTask })
                .WithRequest("POST", $"/v1/tasks/{CanceledTask}/cancel")
                .WillRespondWith(204),
            async client => Assert.Equal(HttpStatusCode.NoContent, (await client.CancelTaskAsync(CanceledTask)).StatusCode));
    }

    private static TaskRequestBody Request(string taskId, string session, string model) =>
        new() { TaskId = taskId, SessionId = session, ModelRef = model, Prompt = "Once upon a time", MaxTokens = 8, Seed = 42 };

    /// <summary>The body the SDK sends: its keys as written (nulls too), the task id any UUID, the rest as the CLI sets it.</summary>
    private static JsonObject Submission(string taskId, string session, string model)
    {
        var body = Bodies.Of(Request(taskId, session, model), ContractsJsonContext.Default.TaskRequestBody);
        body["task_id"] = Match.Regex(Match.Uuid, taskId);
        body["prompt"] = Match.Like("Once upon a time");
        body["max_tokens"] = Match.Integer(8);
        body["seed"] = Match.Integer(42);
        return body;
    }

    private static JsonObject Admission(string taskId, string session, string pool) => new()
    {
        ["task_id"] = Match.Regex(Match.Uuid, taskId),
        ["queue_position"] = Match.Integer(0),
        ["backoff_ms"] = Match.Integer(0),
        ["seed"] = Match.Integer(42),
        ["pool_id"] = pool,
        ["session_id"] = session,
    };

    /// <summary>The error envelope: code exact, message any text, <c>engine</c> the engine concerned (or <c>none</c>).</summary>
    public static JsonObject Error(string code, string? engine, string correlationId, bool? retriable = null, long? retryAfterMs = null)
    {
        var body = new JsonObject
        {
            ["code"] = code,
            ["message"] = Match.Like("why, and what to do"),
            ["engine"] = engine is null ? Match.Like("none") : engine,
            ["correlation_id"] = correlationId,
        };
        if (retriable is { } r) body["retriable"] = r;
        if (retryAfterMs is { } ms) body["retry_after_ms"] = Match.Integer(ms);
        return body;
    }

    private const string FinishedExample =
        "event: started\ndata: {\"queue_position\":0,\"predicted_start_ms\":0,\"pool_id\":\"fast\",\"replica_id\":\"fast-r0\",\"seed\":42,\"queued_ms\":0,\"dispatch_seq\":1}\n\n" +
        "event: token\ndata: {\"t\":\"Once\",\"i\":0}\n\n" +
        "event: token\ndata: {\"t\":\" upon\",\"i\":1}\n\n" +
        "event: metrics\ndata: {\"queue_depth\":0,\"tokens_out\":2,\"decode_ms\":1}\n\n" +
        "event: end\ndata: {\"tokens_out\":2,\"tokens_in\":4,\"decode_ms\":1,\"canceled\":false,\"stop_reason\":\"max_tokens\"}\n\n";

    private const string BrokenExample =
        "event: started\ndata: {\"queue_position\":0,\"predicted_start_ms\":0,\"pool_id\":\"fragile\",\"replica_id\":\"fragile-r0\",\"seed\":42,\"queued_ms\":0,\"dispatch_seq\":1}\n\n" +
        "event: token\ndata: {\"t\":\"Once\",\"i\":0}\n\n" +
        "event: error\ndata: {\"code\":\"WORKER_RESET\",\"message\":\"the engine closed the stream before its final frame\",\"engine\":\"llamacpp\",\"retriable\":true}\n\n";
}
