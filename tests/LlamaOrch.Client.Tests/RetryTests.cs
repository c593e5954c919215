using System.Net;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using static LlamaOrch.Client.Tests.ScriptedHandler;

namespace LlamaOrch.Client.Tests;

/// <summary>What is retried, with which task_id and for how long, against a scripted server.</summary>
public sealed class RetryTests
{
    private static readonly TaskRequestBody Task = new() { Prompt = "hi", MaxTokens = 4 };

    private static LlamaOrchClient ClientOf(ScriptedHandler handler) =>
        new(new HttpClient(handler), new LlamaOrchClientOptions
        {
            BaseAddress = new Uri("http://127.0.0.1:9/"),
            ApiToken = "t",
            Retry = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(10) },
        });

    [Fact]
    public async Task A_429_is_retried_after_the_servers_backoff_with_the_same_task_id_and_correlation_id()
    {
        var full = Answer(HttpStatusCode.TooManyRequests, Envelope(ErrorCodes.AdmissionReject, "queue full", true, 3, "reject"), ("Retry-After", "1"), ("X-Backoff-Ms", "3"));
        var handler = new ScriptedHandler(full, full, Admitted);
        using var client = ClientOf(handler);

        var submitted = await client.SubmitTaskAsync(Task);

        Assert.Equal(3, submitted.Value.Attempts);
        Assert.Equal(2, submitted.Value.BackpressureRetries);
        Assert.NotNull(submitted.Value.Admission);
        var ids = handler.Seen.Select(s => JsonDocument.Parse(s.Body).RootElement.GetProperty("task_id").GetString()).Distinct().ToList();
        Assert.Equal(submitted.Value.TaskId, Assert.Single(ids));
        Assert.Single(handler.Seen.Select(s => s.Request.Headers.GetValues("X-Correlation-Id").Single()).Distinct());
        Assert.All(handler.Seen, s => Assert.Equal("Bearer t", s.Request.Headers.Authorization!.ToString()));
    }

    [Fact]
    public async Task OnRetry_hears_each_retry_with_its_error_the_next_try_and_a_wait_of_at_least_the_hint()
    {
        var full = Answer(HttpStatusCode.TooManyRequests, Envelope(ErrorCodes.AdmissionReject, "queue full", true, 3, "reject"), ("X-Backoff-Ms", "3"));
        var handler = new ScriptedHandler(full, full, Admitted);
        var heard = new List<RetryAttempt>();
        using var client = new LlamaOrchClient(new HttpClient(handler), new LlamaOrchClientOptions
        {
            BaseAddress = new Uri("http://127.0.0.1:9/"),
            Retry = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxDelay = TimeSpan.FromMilliseconds(10), OnRetry = heard.Add },
        });

        await client.SubmitTaskAsync(Task);

        Assert.Equal([2, 3], heard.Select(h => h.NextAttempt));
        Assert.All(heard, h => Assert.Equal(ErrorCodes.AdmissionReject, Assert.IsType<LlamaOrchApiException>(h.Error).Code));
        Assert.All(heard, h => Assert.True(h.Delay >= TimeSpan.FromMilliseconds(3), $"waited {h.Delay}"));
    }

    [Fact]
    public async Task A_non_retriable_error_is_not_retried_and_carries_the_envelope()
    {
        var handler = new ScriptedHandler(Answer(HttpStatusCode.Forbidden, Envelope(ErrorCodes.BudgetExceeded, "over budget", false, null, "budget")));
        using var client = ClientOf(handler);

        var error = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.SubmitTaskAsync(Task));

        Assert.Single(handler.Seen);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
        Assert.Equal(ErrorCodes.BudgetExceeded, error.Code);
        Assert.Equal("budget", error.PolicyLabel);
        Assert.Equal("llamacpp", error.Engine);
        Assert.False(error.Retriable);
        Assert.Equal(handler.Seen[0].Request.Headers.GetValues("X-Correlation-Id").Single(), error.CorrelationId);
    }

    [Fact]
    public async Task A_503_is_retried_only_when_it_says_retriable()
    {
        var unready = Answer(HttpStatusCode.ServiceUnavailable, Envelope(ErrorCodes.PoolUnready, "loading", true, 2), ("X-Backoff-Ms", "2"));
        var handler = new ScriptedHandler(unready, Admitted);
        using (var client = ClientOf(handler)) Assert.Equal(2, (await client.SubmitTaskAsync(Task)).Value.Attempts);

        var never = new ScriptedHandler(Answer(HttpStatusCode.ServiceUnavailable, Envelope(ErrorCodes.PoolUnavailable, "no pool serves it", false)));
        using (var client = ClientOf(never)) await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.SubmitTaskAsync(Task));
        Assert.Single(never.Seen);
    }

    [Fact]
    public async Task Retrying_gives_up_at_the_tasks_deadline()
    {
        var handler = new ScriptedHandler(Answer(HttpStatusCode.TooManyRequests, Envelope(ErrorCodes.AdmissionReject, "queue full", true, 60_000), ("X-Backoff-Ms", "60000")));
        using var client = ClientOf(handler);

        var error = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.SubmitTaskAsync(Task with { DeadlineMs = 500 }));

        Assert.Single(handler.Seen); // waiting 60 s would pass the 500 ms deadline: no second try
        Assert.True(error.IsBackpressure);
        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
    }

    [Fact]
    public async Task A_retry_asks_for_what_is_left_of_the_deadline()
    {
        var full = Answer(HttpStatusCode.TooManyRequests, Envelope(ErrorCodes.AdmissionReject, "queue full", true, 5), ("X-Backoff-Ms", "5"));
        var handler = new ScriptedHandler(full, Admitted);
        using var client = ClientOf(handler);

        await client.SubmitTaskAsync(Task with { DeadlineMs = 60_000 });

        var deadlines = handler.Seen.Select(s => JsonDocument.Parse(s.Body).RootElement.GetProperty("deadline_ms").GetInt64()).ToList();
        Assert.Equal(60_000, deadlines[0]);
        Assert.True(deadlines[1] < 60_000, $"second try asked for {deadlines[1]}");
    }

    [Fact]
    public async Task A_lost_answer_is_retried_and_a_task_id_that_now_exists_is_the_same_task()
    {
        var exists = Answer(HttpStatusCode.Conflict, Envelope(ErrorCodes.TaskExists, "task_id: task x already exists; stream or cancel it, or submit with a new task_id", false));
        var handler = new ScriptedHandler(ConnectionLost, exists);
        using var client = ClientOf(handler);

        var submitted = (await client.SubmitTaskAsync(Task)).Value;

        Assert.True(submitted.RecoveredAfterLostAnswer);
        Assert.Null(submitted.Admission);
        Assert.Equal(2, submitted.Attempts);
    }

    [Fact]
    public async Task A_task_id_already_taken_on_the_first_try_is_the_callers_mistake()
    {
        var exists = Answer(HttpStatusCode.Conflict, Envelope(ErrorCodes.TaskExists, "task_id: task x already exists; stream or cancel it, or submit with a new task_id", false));
        var handler = new ScriptedHandler(exists);
        using var client = ClientOf(handler);

        var error = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.SubmitTaskAsync(Task with { TaskId = "x" }));
        Assert.Equal(ErrorCodes.TaskExists, error.Code);
    }

    [Fact]
    public async Task A_lost_connection_is_not_retried_for_a_call_that_is_not_idempotent()
    {
        var handler = new ScriptedHandler(ConnectionLost);
        using var client = ClientOf(handler);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.ReloadPoolAsync("p", "sim:x"));
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task A_server_that_cannot_be_reached_is_not_retried()
    {
        var handler = new ScriptedHandler(_ => throw new HttpRequestException(HttpRequestError.ConnectionError, "connection refused"));
        using var client = ClientOf(handler);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetCapabilitiesAsync());
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
        Assert.Single(handler.Seen);
    }

    [Fact]
    public async Task An_answer_that_is_not_an_envelope_still_becomes_a_typed_error()
    {
        var handler = new ScriptedHandler(_ => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") });
        using var client = ClientOf(handler);

        var error = await Assert.ThrowsAsync<LlamaOrchApiException>(() => client.GetCapabilitiesAsync());
        Assert.Equal("HTTP_502", error.Code);
        Assert.Contains("bad gateway", error.Error.Message);
        Assert.False(error.IsRetriable);
    }

    [Fact]
    public void Delays_honour_the_hint_add_bounded_jitter_and_stop_at_the_deadline()
    {
        var options = new RetryOptions { BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };
        for (var i = 0; i < 50; i++)
        {
            var delay = BackpressureRetry.Delay(TimeSpan.FromMilliseconds(400), 0.25, TimeSpan.FromMinutes(1));
            Assert.InRange(delay.TotalMilliseconds, 400, 500);
        }
        Assert.InRange(BackpressureRetry.Delay(TimeSpan.FromMilliseconds(400), 1.0, TimeSpan.FromMilliseconds(450)).TotalMilliseconds, 400, 450);

        var hinted = new LlamaOrchApiException(HttpStatusCode.TooManyRequests, new ErrorEnvelope("ADMISSION_REJECT", "full"), null, TimeSpan.FromMilliseconds(250));
        Assert.Equal(TimeSpan.FromMilliseconds(250), BackpressureRetry.Hint(hinted, 0, options));
        Assert.Equal(TimeSpan.FromMilliseconds(500), BackpressureRetry.Hint(hinted, 1, options)); // each 429 in a row waits twice the last
        Assert.Equal(TimeSpan.FromSeconds(1), BackpressureRetry.Hint(hinted, 5, options)); // up to MaxDelay
        var patient = new LlamaOrchApiException(HttpStatusCode.TooManyRequests, new ErrorEnvelope("ADMISSION_REJECT", "full"), null, TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.FromSeconds(3), BackpressureRetry.Hint(patient, 2, options)); // never less than the server asked
        var zero = new LlamaOrchApiException(HttpStatusCode.TooManyRequests, new ErrorEnvelope("ADMISSION_REJECT", "full"), null, TimeSpan.Zero);
        Assert.Equal(TimeSpan.FromMilliseconds(200), BackpressureRetry.Hint(zero, 1, options)); // no wait asked: no tight loop
        var silent = new HttpRequestException("reset");
        Assert.Equal(TimeSpan.FromMilliseconds(100), BackpressureRetry.Hint(silent, 0, options));
        Assert.Equal(TimeSpan.FromMilliseconds(400), BackpressureRetry.Hint(silent, 2, options));
        Assert.Equal(TimeSpan.FromSeconds(1), BackpressureRetry.Hint(silent, 20, options)); // capped
    }

}
