namespace LlamaOrch.Engines.OpenAiProtocol;

/// <summary><c>GET /v1/models</c>; <c>max_model_len</c> is vLLM's, absent elsewhere.</summary>
internal sealed record OpenAiModelList(IReadOnlyList<OpenAiModel>? Data);

internal sealed record OpenAiModel(string Id, string? OwnedBy, int? MaxModelLen);
