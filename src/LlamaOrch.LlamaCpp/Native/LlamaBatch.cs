using System.Runtime.InteropServices;

namespace LlamaOrch.LlamaCpp.Native;

/// <summary><c>struct llama_batch</c> (56 bytes): arrays owned by llama_batch_init/llama_batch_free.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct LlamaBatch
{
    public int NTokens;
    public int* Token;
    public float* Embd;
    public int* Pos;
    public int* NSeqId;
    public int** SeqId;
    public sbyte* Logits;
}

/// <summary><c>struct llama_sampler_chain_params</c>: one C bool.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaSamplerChainParams
{
    public byte NoPerf;
}
