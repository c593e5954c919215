using System.Text.Json.Serialization;

namespace LlamaOrch.Contracts.Sessions;

/// <summary>
/// <c>PUT /v1/sessions/{id}/budget</c>: the session's whole budget; an absent or null field is unlimited. A field it
/// does not know is refused: a misspelt limit read as absent would lift that limit.
/// </summary>
/// <param name="Tokens">Prompt plus generated tokens over all its tasks.</param>
/// <param name="TimeMs">Run milliseconds over all its tasks.</param>
/// <param name="Cost">Cost over all its tasks, at each pool's price per 1,000 tokens in and out.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BudgetRequest(long? Tokens = null, long? TimeMs = null, decimal? Cost = null);
