namespace LlamaOrch.Core.Pools;

/// <summary>What an upstream replica (an engine we do not start) speaks; each has its adapter in LlamaOrch.Engines.</summary>
public enum UpstreamProtocol
{
    /// <summary>llama.cpp server's own API (<c>/completion</c>, <c>/props</c>, <c>/health</c>): a llama-server or llorch-engine we do not start.</summary>
    LlamaCpp,

    /// <summary>OpenAI's <c>/v1/completions</c>, <c>/v1/embeddings</c> and <c>/v1/models</c>: vLLM, SGLang, Ollama, LM Studio, llama-server's /v1, another llama-orch.</summary>
    OpenAi,

    /// <summary>Hugging Face text-generation-inference's own API: <c>/generate_stream</c>, <c>/health</c>, <c>/info</c>.</summary>
    Tgi,

    /// <summary>NVIDIA Triton's generate extension: <c>/v2/models/{name}/generate_stream</c>, <c>/v2/health/ready</c>, <c>/v2</c>.</summary>
    Triton,
}
