using System.Net;
using LlamaOrch.EngineProtocol.Simulation;

namespace LlamaOrch.EngineHost.Hosting;

/// <summary>The validated command line of one engine process.</summary>
/// <param name="ModelRef">The model ref exactly as given.</param>
/// <param name="Sim">The parsed ref when the model is synthetic (sim:), else null.</param>
/// <param name="ModelPath">The GGUF file for a file: or plain-path ref, else null (resolved at load).</param>
/// <param name="ListenAddress">The address Kestrel binds.</param>
/// <param name="Port">The TCP port; 0 asks the OS for a free one.</param>
/// <param name="Slots">Concurrent sequences (llama-server's <c>--parallel</c>).</param>
/// <param name="ContextPerSlot">Tokens of context each slot holds: prompt plus prediction.</param>
/// <param name="Threads">llama.cpp threads for decoding (llama-server's <c>--threads</c>).</param>
/// <param name="Embedding">Serve <c>/embedding</c> too (llama-server's <c>--embedding</c>), pooled as <paramref name="Pooling"/> says.</param>
/// <param name="GpuLayers">Layers to offload to the GPU (-1: all); no effect with a CPU-only build.</param>
/// <param name="FlashAttention">llama.cpp's flash attention setting: -1 auto (the default), 0 off, 1 on.</param>
/// <param name="Reranking">Serve <c>/rerank</c> too (llama-server's <c>--reranking</c>), with the model's classification head.</param>
/// <param name="Pooling">How embeddings pool token vectors (llama-server's <c>--pooling</c>): llama.cpp's pooling type, mean, cls or last.</param>
/// <param name="LibraryDirectory">A folder of llama.cpp libraries to use instead of the shipped ones.</param>
internal sealed record EngineOptions(
    string ModelRef,
    SimModelRef? Sim,
    string? ModelPath,
    IPAddress ListenAddress,
    int Port,
    int Slots,
    int ContextPerSlot,
    int Threads = 1,
    string? LibraryDirectory = null,
    bool Embedding = false,
    int GpuLayers = -1,
    bool Reranking = false,
    int FlashAttention = -1,
    int Pooling = EngineOptions.MeanPooling)
{
    /// <summary>llama.cpp's <c>LLAMA_POOLING_TYPE_MEAN</c>, what llorch-engine pools with unless told otherwise.</summary>
    public const int MeanPooling = 1;
}
