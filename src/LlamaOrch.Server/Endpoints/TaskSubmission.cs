using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints;

/// <summary><c>POST /v1/tasks</c>: read the body within limits, admit it (<see cref="TaskAdmission"/>), answer 202 or the envelope.</summary>
internal static class TaskSubmission
{
    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.TaskRequestBody, "a JSON task object") is not { } parsed) return;

        var admitted = await TaskAdmission.AdmitAsync(context, parsed, admission, limits, metrics);
        if (admitted.Rejection is { } rejection)
        {
            await ErrorResponses.WriteAsync(context, rejection, admitted.Engine);
            return;
        }

        await WriteAdmittedAsync(context, admitted);
    }

    /// <summary>The 202 answer to an admitted task, with its stream's Location and the session's budget headers.</summary>
    public static async Task WriteAdmittedAsync(HttpContext context, TaskAdmission.Result admitted)
    {
        var task = admitted.Task!;
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.Headers.Location = $"/v1/tasks/{Uri.EscapeDataString(task.Id)}/stream";
        if (task.Budget is { } reserved) BudgetHeaders.Write(context.Response.Headers, reserved.Budget);
        await context.Response.WriteAsJsonAsync(
            new AdmissionResponse(task.Id, task.AdmissionQueuePosition, task.PredictedStartMs, admitted.BackoffMs, task.Spec.Seed, task.PoolId, task.Spec.SessionId),
            ContractsJsonContext.Default.AdmissionResponse);
    }
}
