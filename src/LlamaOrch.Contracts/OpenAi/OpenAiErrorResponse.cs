using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.OpenAi;

/// <summary>Every 4xx/5xx of the OpenAI door, and its streams' last chunk when a task fails: OpenAI's error shape.</summary>
public sealed record OpenAiErrorResponse(OpenAiError Error);

/// <param name="Type">OpenAI's class: <c>invalid_request_error</c>, <c>authentication_error</c>, <c>permission_error</c>, <c>not_found_error</c>, <c>rate_limit_error</c>, <c>insufficient_quota</c>, <c>server_error</c>.</param>
/// <param name="Param">The request member at fault, where one is.</param>
/// <param name="Code">llama-orch's error code, lower case (e.g. <c>admission_reject</c>).</param>
public sealed record OpenAiError(
    string Message,
    string Type,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Param,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] string? Code);
