namespace LlamaOrch.Core.Telemetry;

/// <summary>The <c>reason</c> label of <c>tasks_canceled_total</c>: bounded, one constant per way a task is cancelled.</summary>
public static class CancelReasons
{
    /// <summary>A client asked (<c>POST /v1/tasks/{id}/cancel</c>).</summary>
    public const string Client = "client";
}
