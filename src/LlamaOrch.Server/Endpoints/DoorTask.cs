using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// One OpenAI or Anthropic request's task: admitted through <see cref="TaskAdmission"/> (a refusal written in the
/// door's shape, which <see cref="ErrorResponses"/> picks by path), then read event by event. The client leaving
/// cancels the task at once, which frees its slot and ends the reading.
/// </summary>
internal sealed class DoorTask : IDisposable
{
    /// <summary>
    /// What a door answers for its task canceled by someone other than its client (<c>POST /v1/tasks/{id}/cancel</c>, a
    /// drain, a shutdown): the answer was cut short, so it is an error and not passed off as complete.
    /// </summary>
    public static readonly ErrorEnvelope CanceledByOthers = new(ErrorCodes.Internal,
        "the task was canceled before it finished (by POST /v1/tasks/{id}/cancel, a drain or a shutdown)", Retriable: true);

    /// <summary>
    /// The 404 both doors answer for a model no pool serves, as OpenAI and Anthropic answer an unknown model: their SDKs do
    /// not retry it, where they would retry admission's own answer (a 503). <paramref name="resolved"/> is the request's
    /// body after <see cref="AdmissionService.WithDefaults"/> (a pool id resolved to its model); null when a pool serves it.
    /// </summary>
    public static Rejection? UnknownModel(AdmissionService admission, TaskRequestBody resolved, string? requested)
    {
        if (requested is { Length: 0 }) requested = null; // an empty model is a left-out one: admission's own refusal if there is no default
        if ((resolved.ModelRef ?? requested) is not { } model) return null;
        var engine = resolved.Engine is { } name && WireNames.Engines.TryGetValue(name, out var kind) ? kind : EngineKind.LlamaCpp;
        return admission.Serves(model, engine) ? null
            : new Rejection(ErrorCodes.NotFound, $"model: no pool serves '{requested ?? model}'; name a catalog id, a pool's model or a model ref", Retriable: false);
    }

    /// <summary>Names the task behind each answer, so a client can follow or cancel it through the task API.</summary>
    public const string TaskIdHeader = "X-Task-Id";

    /// <summary>The session a request asks for and, on the answer, the one its task ran in.</summary>
    public const string SessionHeader = "X-Session-Id";

    public const string PriorityHeader = "X-Priority";

    private readonly CancellationTokenRegistration _cancelOnLeave;
    private int _next;

    private DoorTask(OrchestratedTask task, CancellationToken clientGone)
    {
        Task = task;
        _cancelOnLeave = clientGone.Register(static state => ((OrchestratedTask)state!).Cancel(), task);
    }

    public OrchestratedTask Task { get; }

    /// <summary>
    /// The <c>model</c> an answer echoes: the one the request named, else (left out or empty, both the default model) the
    /// model the task runs.
    /// </summary>
    public string EchoedModel(string? requested) => string.IsNullOrEmpty(requested) ? Task.Spec.ModelRef : requested;

    /// <summary>The events of the last <see cref="NextAsync"/>.</summary>
    public List<TaskEventRecord> Batch { get; } = [];

    /// <summary>True once the task's last event has been read.</summary>
    public bool Closed { get; private set; }

    /// <summary>The task, or null once the refusal has been written.</summary>
    public static async Task<DoorTask?> AdmitAsync(HttpContext context, TaskRequestBody body, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics)
    {
        var admitted = await TaskAdmission.AdmitAsync(context, body, admission, limits, metrics);
        if (admitted.Rejection is { } rejection)
        {
            await ErrorResponses.WriteAsync(context, rejection, admitted.Engine);
            return null;
        }
        var task = admitted.Task!;
        context.Response.Headers[TaskIdHeader] = task.Id;
        // The session the task ran in: the one a client that sent only `user` can name in the task API.
        context.Response.Headers[SessionHeader] = task.Spec.SessionId;
        if (task.Budget is { } reserved) BudgetHeaders.Write(context.Response.Headers, reserved.Budget);
        return new DoorTask(task, context.RequestAborted);
    }

    /// <summary>Waits for the next events into <see cref="Batch"/> (none when woken by the keep-alive pulse); false once the last has been read.</summary>
    public async ValueTask<bool> NextAsync()
    {
        if (Closed) return false;
        Batch.Clear();
        (_next, var closed) = await Task.ReadEventsAsync(_next, Batch);
        Closed = closed;
        return true;
    }

    public void Dispose() => _cancelOnLeave.Dispose();
}
