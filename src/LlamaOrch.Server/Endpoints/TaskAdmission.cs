using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Server.Http;
using LlamaOrch.Server.Metrics;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// The one way into the scheduler for every front door: the data-flow policy on the prompt and inputs
/// (<see cref="DataFlowGuard"/>), fill the pool-dependent defaults, validate, check the context fit, admit. A door builds a <see cref="TaskRequestBody"/> from its own wire shape and writes the result
/// (or the refusal) in its own shape.
/// </summary>
internal static class TaskAdmission
{
    /// <param name="Engine">The task's engine for an error envelope, when the body named (or defaulted to) a real one.</param>
    public readonly record struct Result(OrchestratedTask? Task, long BackoffMs, Rejection? Rejection, string? Engine);

    /// <param name="dataFlow">The data-flow policy; null takes it from the request's services.</param>
    public static async ValueTask<Result> AdmitAsync(
        HttpContext context, TaskRequestBody body, AdmissionService admission, AdmissionLimits limits, PrometheusTaskMetrics metrics, IDataFlowPolicy? dataFlow = null)
    {
        var checkedBody = DataFlowGuard.CheckTask(context, dataFlow ?? context.RequestServices.GetRequiredService<IDataFlowPolicy>(), body, out var policyRefused);
        // Filled for a body the policy refused too: its error envelope and metric name the task's engine, as sent or defaulted.
        var withDefaults = admission.WithDefaults(checkedBody ?? body, out var defaultsRefused);
        var rejection = policyRefused ?? defaultsRefused;
        TaskSpec? spec = null;
        rejection ??= TaskRequestValidator.Validate(withDefaults, limits, out spec);
        rejection ??= await admission.CheckContextFitAsync(spec!, context.RequestAborted);
        var outcome = rejection is null ? admission.Submit(spec!, CorrelationIdMiddleware.Of(context)) : default;
        rejection ??= outcome.Rejection;
        var engine = withDefaults.Engine is { } named && WireNames.Engines.ContainsKey(named) ? named : null;
        if (rejection is null) return new Result(outcome.Task, outcome.BackoffMs, null, engine);
        metrics.TaskRejected(engine ?? string.Empty, rejection.Code, rejection.PolicyLabel);
        return new Result(null, 0, rejection, engine);
    }
}
