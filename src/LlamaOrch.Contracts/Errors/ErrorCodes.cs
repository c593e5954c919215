namespace LlamaOrch.Contracts.Errors;

/// <summary>The error taxonomy of contract-notes.md; codes are wire values.</summary>
public static class ErrorCodes
{
    public const string InvalidParams = "INVALID_PARAMS";
    public const string DeadlineUnmet = "DEADLINE_UNMET";
    public const string UntrustedArtifact = "UNTRUSTED_ARTIFACT";
    public const string ModelDeprecated = "MODEL_DEPRECATED";
    public const string Unauthorized = "UNAUTHORIZED";
    public const string Forbidden = "FORBIDDEN";
    public const string NotFound = "NOT_FOUND";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    /// <summary>409: the pool is already reloading, or its reload failed and was rolled back.</summary>
    public const string ReloadConflict = "RELOAD_CONFLICT";

    /// <summary>409: a task with that <c>task_id</c> is still held (queued, running, or within its retention); the earlier submission got in.</summary>
    public const string TaskExists = "TASK_EXISTS";

    /// <summary>409: a catalog entry with that id exists.</summary>
    public const string CatalogConflict = "CATALOG_CONFLICT";

    /// <summary>403: the task cannot fit what is left of its session's budget (policy_label "budget").</summary>
    public const string BudgetExceeded = "BUDGET_EXCEEDED";

    /// <summary>403: the session has had Orchestrator:Sessions:MaxTurns turns (policy_label "session").</summary>
    public const string SessionTurnLimit = "SESSION_TURN_LIMIT";

    /// <summary>403: a tool's target was refused by the tool policy (policy_label names the rule).</summary>
    public const string ToolPolicyDenied = "TOOL_POLICY_DENIED";

    /// <summary>403: a task's prompt or an artifact's content was refused by a data-flow rule (policy_label names the rule).</summary>
    public const string PolicyDenied = "POLICY_DENIED";

    /// <summary>409: a transcript's model digest is not the digest of the model the pool serves now, so a replay would not reproduce it.</summary>
    public const string ModelDigestMismatch = "MODEL_DIGEST_MISMATCH";

    /// <summary>502: a tool's target could not be reached, failed mid-answer or ran past the time limit.</summary>
    public const string ToolFetchFailed = "TOOL_FETCH_FAILED";

    /// <summary>502: the search backend answered, but not with SearXNG's JSON (an error status, HTML, garbage, or more than the size limit).</summary>
    public const string ToolBackendInvalid = "TOOL_BACKEND_INVALID";

    /// <summary>503: the tool is not configured on this orchestratord (no Orchestrator:Tools:Search:Url).</summary>
    public const string ToolUnavailable = "TOOL_UNAVAILABLE";

    public const string AdmissionReject = "ADMISSION_REJECT";
    public const string QueueFullDropLru = "QUEUE_FULL_DROP_LRU";
    public const string PoolUnready = "POOL_UNREADY";
    public const string PoolUnavailable = "POOL_UNAVAILABLE";
    public const string WorkerReset = "WORKER_RESET";
    public const string Internal = "INTERNAL";
}
