using System.Globalization;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// <c>POST /v1/tasks</c>: read the body within limits, admit it (<see cref="TaskAdmission"/>), answer 202 or the envelope;
/// or, when the request's <c>Accept</c> asks for the stream (<see cref="SubmitAnswer"/>), answer with the task's stream
/// at once, the 202's fields in headers. Leaving that one-request stream cancels the task: the client holds no id
/// to come back with or cancel by, so a task nobody reads would only burn its slot.
/// </summary>
internal static class TaskSubmission
{
    public const string TaskIdHeader = "X-Task-Id";
    public const string QueuePositionHeader = "X-Queue-Position";
    public const string PredictedStartHeader = "X-Predicted-Start-Ms";
    public const string BackoffHeader = "X-Backoff-Ms";
    public const string SeedHeader = "X-Seed";
    public const string PoolHeader = "X-Pool-Id";
    public const string SessionHeader = "X-Session-Id";

    /// <summary>
    /// The services a submission uses, all singletons, resolved once (on the first submission) and held by the endpoint, so
    /// that a submission opens no request service scope (<c>HttpContext.RequestServices</c>, a scope made and disposed per request).
    /// </summary>
    public sealed class Services(IServiceProvider root)
    {
        private Resolved? _resolved;

        public Resolved Get() => _resolved ??= new Resolved(
            root.GetRequiredService<AdmissionService>(), root.GetRequiredService<AdmissionLimits>(), root.GetRequiredService<PrometheusTaskMetrics>(),
            root.GetRequiredService<RequestLimits>(), root.GetRequiredService<IDataFlowPolicy>());
    }

    public sealed record Resolved(AdmissionService Admission, AdmissionLimits Limits, PrometheusTaskMetrics Metrics, RequestLimits RequestLimits, IDataFlowPolicy DataFlow);

    public static async Task HandleAsync(HttpContext context, Services services)
    {
        var (admission, limits, metrics, requestLimits, dataFlow) = services.Get();
        if (await JsonBody.ReadAsync(context, ContractsJsonContext.Default.TaskRequestBody, "a JSON task object", requestLimits) is not { } parsed) return;

        var admitted = await TaskAdmission.AdmitAsync(context, parsed, admission, limits, metrics, dataFlow);
        if (admitted.Rejection is { } rejection)
        {
            await ErrorResponses.WriteAsync(context, rejection, admitted.Engine);
            return;
        }

        if (SubmitAnswer.WantsStream(context.Request)) await StreamAdmittedAsync(context, admitted);
        else await WriteAdmittedAsync(context, admitted);
    }

    /// <summary>The 202 answer to an admitted task, with its stream's Location and the session's budget headers.</summary>
    public static async Task WriteAdmittedAsync(HttpContext context, TaskAdmission.Result admitted)
    {
        var task = admitted.Task!;
        context.Response.StatusCode = StatusCodes.Status202Accepted;
        context.Response.Headers.Location = StreamLocation(task);
        if (task.Budget is { } reserved) BudgetHeaders.Write(context.Response.Headers, reserved.Budget);
        await JsonAnswer.WriteAsync(context.Response,
            new AdmissionResponse(task.Id, task.AdmissionQueuePosition, task.PredictedStartMs, admitted.BackoffMs, task.Seed, task.PoolId, task.Spec.SessionId),
            ContractsJsonContext.Default.AdmissionResponse);
    }

    /// <summary>The stream answer: the 202's fields as headers, then the frames <c>GET Location</c> would give.</summary>
    private static async Task StreamAdmittedAsync(HttpContext context, TaskAdmission.Result admitted)
    {
        var task = admitted.Task!;
        var headers = context.Response.Headers;
        headers.Location = StreamLocation(task); // a second reader may replay it; leaving it does not cancel
        headers[TaskIdHeader] = task.Id;
        headers[QueuePositionHeader] = task.AdmissionQueuePosition.ToString(CultureInfo.InvariantCulture);
        if (task.PredictedStartMs is { } predicted) headers[PredictedStartHeader] = predicted.ToString(CultureInfo.InvariantCulture);
        headers[BackoffHeader] = admitted.BackoffMs.ToString(CultureInfo.InvariantCulture);
        headers[SeedHeader] = task.Seed.ToString(CultureInfo.InvariantCulture);
        headers[PoolHeader] = task.PoolId;
        headers[SessionHeader] = task.Spec.SessionId;

        using var cancelOnLeave = context.RequestAborted.Register(static state => ((OrchestratedTask)state!).Cancel(), task);
        await TaskStreaming.WriteAsync(context, task);
    }

    private static string StreamLocation(OrchestratedTask task) => $"/v1/tasks/{Uri.EscapeDataString(task.Id)}/stream";
}
