namespace LlamaOrch.EngineProtocol.Wire;

/// <summary>
/// The <c>POST /embedding</c> body as the orchestrator writes it. llorch-engine reads <c>content</c> itself, as a
/// string or an array of strings.
/// </summary>
internal sealed record EmbeddingRequest(IReadOnlyList<string> Content);
