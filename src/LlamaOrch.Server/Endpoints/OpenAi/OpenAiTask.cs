using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints.OpenAi;

/// <summary>
/// One OpenAI request's task: admitted through <see cref="TaskAdmission"/> (a refusal written in OpenAI's shape), then
/// read event by event. The client leaving cancels the task at once, which frees its slot and ends the reading.
/// </summary>
internal sealed class OpenAiTask : IDisposable
{
    /// <summary>Names the task behind each answer, so a client can follow or cancel it through the task API.</summary>
    public const string TaskIdHeader = "X-Task-Id";

    private readonly CancellationTokenRegistration _cancelOnLeave;
    private int _next;
    private bool _closed;

    private OpenAiTask(OrchestratedTask task, CancellationToken clientGone)
    {
        Task = task;
        _cancelOnLeave = clientGone.Register(static state => ((OrchestratedTask)state!).Cancel(), task);
    }

    public OrchestratedTask Task { get; }

    /// <summary>The events of the last <see cref="NextAsync"/>.</summary>
    public List<TaskEventRecord> Batch { get; } = [];

    /// <summary>The task, or null once the refusal has been written.</summary>
    public static async Task<OpenAiTask?> AdmitAsync(HttpContext context, TaskRequestBody body, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        var admitted = await TaskAdmission.AdmitAsync(context, body, admission, limits, metrics);
        if (admitted.Rejection is { } rejection)
        {
            await OpenAiErrors.WriteAsync(context, ErrorResponses.StatusOf(rejection.Code), rejection.ToEnvelope(null) with { Engine = rejection.Engine ?? admitted.Engine });
            return null;
        }
        var task = admitted.Task!;
        context.Response.Headers[TaskIdHeader] = task.Id;
        // The session the task ran in: the one a client that sent only `user` can name in the task API.
        context.Response.Headers[OpenAiTaskFields.SessionHeader] = task.Spec.SessionId;
        if (task.Budget is { } reserved) BudgetHeaders.Write(context.Response.Headers, reserved.Budget);
        return new OpenAiTask(task, context.RequestAborted);
    }

    /// <summary>Waits for the next events into <see cref="Batch"/>; false once the task's last event has been read.</summary>
    public async ValueTask<bool> NextAsync()
    {
        if (_closed) return false;
        Batch.Clear();
        (_next, _closed) = await Task.ReadEventsAsync(_next, Batch);
        return true;
    }

    public void Dispose() => _cancelOnLeave.Dispose();
}
