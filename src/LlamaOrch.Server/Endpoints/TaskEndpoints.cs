using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints;

internal static class TaskEndpoints
{
    public static void MapTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        // A plain request delegate over the app's singletons: a submission then opens no request service scope.
        var submission = new TaskSubmission.Services(routes.ServiceProvider);
        routes.MapPost("/v1/tasks", context => TaskSubmission.HandleAsync(context, submission));

        routes.MapGet("/v1/tasks/{id}/stream", (HttpContext context, string id, TaskStore tasks) =>
            TaskStreaming.HandleAsync(context, id, tasks));

        // Cancelling a finished task is a no-op, so a client may retry a cancel safely.
        routes.MapPost("/v1/tasks/{id}/cancel", (HttpContext context, string id, TaskStore tasks) =>
        {
            if (!tasks.TryGet(id, out var task)) return ErrorResponses.NotFoundAsync(context, $"no task {id}");
            task.Cancel();
            context.Response.StatusCode = StatusCodes.Status204NoContent;
            return Task.CompletedTask;
        });
    }
}
