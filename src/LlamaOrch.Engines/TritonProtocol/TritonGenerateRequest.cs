namespace LlamaOrch.Engines.TritonProtocol;

/// <summary>
/// The body of Triton's <c>POST /v2/models/{name}/generate_stream</c>. Every member is a top-level property: Triton
/// passes one that names a model input as that tensor (TensorRT-LLM ensembles read <c>max_tokens</c>, <c>temperature</c>,
/// <c>top_k</c>, <c>top_p</c>, <c>repetition_penalty</c>, <c>stream</c> so), and any other as a request parameter (the vLLM
/// backend reads its sampling parameters, <c>seed</c> and <c>stop</c> among them, from those). The <c>return_*</c> flags and
/// <c>exclude_input_in_output</c> are inputs of the vLLM backend (r24.12 and later) and of recent TensorRT-LLM ensembles.
/// </summary>
internal sealed record TritonGenerateRequest(
    string TextInput,
    bool Stream,
    int? MaxTokens,
    double? Temperature,
    int? TopK,
    double? TopP,
    double? RepetitionPenalty,
    long? Seed,
    IReadOnlyList<string>? Stop,
    bool ExcludeInputInOutput,
    bool ReturnFinishReason,
    bool ReturnNumInputTokens,
    bool ReturnNumOutputTokens);
