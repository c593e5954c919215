using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints;

/// <summary><c>POST /v1/tasks</c>: read the body within limits, fill its defaults, validate it, admit it, answer 202 or the envelope.</summary>
internal static class TaskSubmission
{
    public static async Task HandleAsync(HttpContext context, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.TaskRequestBody, "a JSON task object") is not { } parsed) return;

        var withDefaults = admission.WithDefaults(parsed, out var rejection);
        TaskSpec? spec = null;
        rejection ??= TaskRequestValidator.Validate(withDefaults, limits, out spec);
        rejection ??= await admission.CheckContextFitAsync(spec!, context.RequestAborted);
        var outcome = rejection is null ? admission.Submit(spec!, CorrelationIdMiddleware.Of(context)) : default;
        rejection ??= outcome.Rejection;
        if (rejection is not null)
        {
            metrics.TaskRejected(KnownEngine(withDefaults.Engine) ?? string.Empty, rejection.Code, rejection.PolicyLabel);
            await ErrorResponses.WriteAsync(context, rejection, KnownEngine(withDefaults.Engine));
            return;
        }

        var task = outcome.Task!;
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.Headers.Location = $"/v1/tasks/{Uri.EscapeDataString(task.Id)}/stream";
        if (task.Budget is { } reserved) BudgetHeaders.Write(context.Response.Headers, reserved.Budget);
        await context.Response.WriteAsJsonAsync(
            new AdmissionResponse(task.Id, task.AdmissionQueuePosition, task.PredictedStartMs, outcome.BackoffMs, task.Spec.Seed, task.PoolId, task.Spec.SessionId),
            ContractsJsonContext.Default.AdmissionResponse);
    }

    /// <summary>The task's engine for an error envelope, when the body named (or defaulted to) a real one.</summary>
    private static string? KnownEngine(string? engine) => engine is not null && WireNames.Engines.ContainsKey(engine) ? engine : null;
}
