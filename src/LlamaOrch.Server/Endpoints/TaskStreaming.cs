using System.Buffers;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// <c>GET /v1/tasks/{id}/stream</c>: replays the task's events from <c>started</c> on and follows them
/// live, each in the task API's SSE framing (<see cref="TaskSseEncoder"/>, encoded once for all readers).
/// Frames that are ready together go out as one write and one flush. A reader leaving does not cancel the task.
/// It reads until the task's last frame, shutdown included: the shutdown sequence gives every task one.
/// <see cref="TaskSubmission"/> writes the same stream as the answer to a <c>POST /v1/tasks</c> that asks for it.
/// </summary>
internal static class TaskStreaming
{
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();

    public static async Task HandleAsync(HttpContext context, string id, TaskStore tasks)
    {
        if (!tasks.TryGet(id, out var task))
        {
            await ErrorResponses.NotFoundAsync(context, $"no task {id} (unknown, or finished longer ago than the retention)");
            return;
        }

        await WriteAsync(context, task);
    }

    /// <summary>
    /// Answers 200 <c>text/event-stream</c> with the task's frames from the first, until its last frame or until the
    /// client leaves. Headers the caller set before (the one-request submit's) go out with the stream's.
    /// </summary>
    public static async Task WriteAsync(HttpContext context, OrchestratedTask task)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        if (task.Budget is { } reserved) BudgetHeaders.Write(response.Headers, reserved.Budget);

        try
        {
            // StartAsync only buffers the headers. Frames that are ready already (a running task's, a replay's) go out
            // with them in one write; otherwise the headers are flushed alone, so that a queued task's client knows it
            // is connected before the task's first frame, which may be a queue-progress interval or a keep-alive away.
            await response.StartAsync(context.RequestAborted);
            var read = task.ReadEncodedAsync(0, TaskSseEncoder.Instance);
            if (!read.IsCompleted) await response.BodyWriter.FlushAsync(context.RequestAborted);
            while (true)
            {
                var (next, closed, frames) = await read;
                if (frames.IsEmpty && !closed) response.BodyWriter.Write(KeepAlive); // woken by the keep-alive pulse
                response.BodyWriter.Write(frames.Span);
                await response.BodyWriter.FlushAsync(context.RequestAborted);
                if (closed || context.RequestAborted.IsCancellationRequested) return;
                read = task.ReadEncodedAsync(next, TaskSseEncoder.Instance);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The reader went away; what that means for the task is the caller's choice.
        }
    }
}
