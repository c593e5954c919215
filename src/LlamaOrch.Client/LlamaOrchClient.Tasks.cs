using System.Net;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Client;

public sealed partial class LlamaOrchClient
{
    private static readonly TimeSpan CancelPatience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A task run: <c>POST /v1/tasks</c> with backpressure-aware retries when enumerated, then its stream. The
    /// <c>task_id</c> is the request's or made now, once, so retries never make a second task.
    /// </summary>
    /// <param name="task">The request; only <c>prompt</c> (or <c>inputs</c>) is needed where the server has a default model.</param>
    /// <param name="gate">When given, the run holds one of its places from submission to the last frame, and reports 429s to it.</param>
    public TaskRun RunTask(TaskRequestBody task, ConcurrencyGate? gate = null)
    {
        ArgumentNullException.ThrowIfNull(task);
        var withId = task.TaskId is { Length: > 0 } ? task : task with { TaskId = Guid.NewGuid().ToString() };
        return new TaskRun(this, withId, withId.TaskId!, NextCorrelationId(), gate);
    }

    /// <summary><c>GET /v1/tasks/{id}/stream</c> of a task submitted before: its frames from the first, resumed across drops.</summary>
    public TaskRun StreamTask(string taskId)
    {
        ArgumentException.ThrowIfNullOrEmpty(taskId);
        return new TaskRun(this, null, taskId, NextCorrelationId(), null);
    }

    /// <summary>
    /// <c>POST /v1/tasks</c>, retried while the answer is retriable (429 queue full, 503 retriable) after the wait the server
    /// asks plus jitter, until the task's <c>deadline_ms</c> (or <see cref="RetryOptions.MaxRetryDuration"/>). A lost
    /// answer is retried with the same <c>task_id</c>; if the first try had been admitted, the retry finds it and reports
    /// it as <see cref="TaskSubmission.RecoveredAfterLostAnswer"/> instead of making a second task.
    /// </summary>
    public Task<ApiResponse<TaskSubmission>> SubmitTaskAsync(TaskRequestBody task, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(task);
        var withId = task.TaskId is { Length: > 0 } ? task : task with { TaskId = Guid.NewGuid().ToString() };
        return SubmitCoreAsync(withId, NextCorrelationId(), null, cancellationToken);
    }

    /// <summary><c>POST /v1/tasks/{id}/cancel</c>: stops a queued or running task (its stream ends with <c>canceled: true</c>); a no-op for a finished one.</summary>
    public Task<ApiResponse> CancelTaskAsync(string taskId, CancellationToken cancellationToken = default) =>
        SendNoContentAsync(HttpMethod.Post, $"/v1/tasks/{Escape(taskId)}/cancel", idempotent: true, cancellationToken);

    internal async Task<ApiResponse<TaskSubmission>> SubmitCoreAsync(
        TaskRequestBody task, string correlationId, Action<LlamaOrchApiException>? onBackpressure, CancellationToken cancellationToken)
    {
        var time = Options.TimeProvider;
        var start = time.GetUtcNow();
        var deadline = task.DeadlineMs is long ms and > 0 ? start.AddMilliseconds(ms) : start + Options.Retry.MaxRetryDuration;
        var attempts = 0;
        var backpressure = 0;
        var outcomeUnknown = false;
        var pipeline = BackpressureRetry.Create(Options.Retry, time, retryTransport: true, deadline, error =>
        {
            if (error is LlamaOrchApiException { IsBackpressure: true } pushedBack)
            {
                backpressure++;
                onBackpressure?.Invoke(pushedBack);
            }
            else if (error is not LlamaOrchApiException)
            {
                // The request may have been admitted before the connection was lost: a "task_id exists" now is our task.
                outcomeUnknown = true;
            }
        });

        return await pipeline.ExecuteAsync(async token =>
        {
            attempts++;
            // The deadline is the task's, from the first try: a retry asks the server for what is left of it.
            var body = attempts > 1 && task.DeadlineMs is > 0
                ? task with { DeadlineMs = Math.Max(1, (long)(deadline - time.GetUtcNow()).TotalMilliseconds) }
                : task;
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(token);
            timeout.CancelAfter(Options.RequestTimeout);
            try
            {
                using var request = NewRequest(HttpMethod.Post, "/v1/tasks", correlationId, JsonContent(body, ContractsJsonContext.Default.TaskRequestBody));
                using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
                var echoed = EchoedCorrelationId(response) ?? correlationId;
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var admission = await ReadJsonAsync(response, ContractsJsonContext.Default.AdmissionResponse, timeout.Token);
                    return new ApiResponse<TaskSubmission>(
                        new TaskSubmission(task.TaskId!, admission, attempts, backpressure, RecoveredAfterLostAnswer: false), response.StatusCode, echoed);
                }
                var error = await ErrorOfAsync(response, correlationId, timeout.Token);
                if (outcomeUnknown && IsTaskIdTaken(error))
                    return new ApiResponse<TaskSubmission>(
                        new TaskSubmission(task.TaskId!, null, attempts, backpressure, RecoveredAfterLostAnswer: true), HttpStatusCode.Accepted, echoed);
                throw error;
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !token.IsCancellationRequested)
            {
                throw new TimeoutException($"POST /v1/tasks took longer than {Options.RequestTimeout.TotalSeconds:0.#} s");
            }
        }, cancellationToken);
    }

    /// <summary>The server's answer to a <c>task_id</c> it already holds: 409 <c>TASK_EXISTS</c>.</summary>
    private static bool IsTaskIdTaken(LlamaOrchApiException error) => error.Code == ErrorCodes.TaskExists;

    /// <summary>Best effort: the caller has gone, so a failure here has nobody to tell.</summary>
    internal async Task CancelQuietlyAsync(string taskId, string correlationId)
    {
        using var patience = new CancellationTokenSource(CancelPatience);
        try
        {
            using var request = NewRequest(HttpMethod.Post, $"/v1/tasks/{Escape(taskId)}/cancel", correlationId);
            using var response = await SendRawAsync(request, HttpCompletionOption.ResponseContentRead, patience.Token);
        }
        catch (Exception error) when (error is HttpRequestException or OperationCanceledException or IOException)
        {
            // The server is unreachable: the task ends at its deadline or when its stream's retention runs out.
        }
    }
}
