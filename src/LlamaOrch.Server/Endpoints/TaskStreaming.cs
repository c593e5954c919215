using System.Buffers;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// <c>GET /v1/tasks/{id}/stream</c>: replays the task's events from <c>started</c> on and follows them
/// live, each in the task API's SSE framing (<see cref="TaskSseEncoder"/>, encoded once for all readers).
/// Frames that are ready together go out as one write and one flush. A reader leaving does not cancel the task.
/// It reads until the task's last frame, shutdown included: the shutdown sequence gives every task one.
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

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        if (task.Budget is { } reserved) BudgetHeaders.Write(response.Headers, reserved.Budget);
        await response.StartAsync(context.RequestAborted);

        var next = 0;
        try
        {
            while (!context.RequestAborted.IsCancellationRequested)
            {
                (next, var closed, var frames) = await task.ReadEncodedAsync(next, TaskSseEncoder.Instance);
                if (frames.IsEmpty && !closed) response.BodyWriter.Write(KeepAlive); // woken by the keep-alive pulse
                response.BodyWriter.Write(frames.Span);
                await response.BodyWriter.FlushAsync(context.RequestAborted);
                if (closed) return;
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The reader went away; the task carries on and stays readable.
        }
    }
}
