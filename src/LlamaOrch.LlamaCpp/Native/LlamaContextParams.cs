using System.Runtime.InteropServices;

namespace LlamaOrch.LlamaCpp.Native;

/// <summary><c>struct llama_context_params</c> of llama.h (v0.5.0): 160 bytes on x86-64.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LlamaContextParams
{
    public uint NCtx;
    public uint NBatch;
    public uint NUbatch;
    public uint NSeqMax;
    public uint NRsSeq;
    public uint NOutputsMax;
    public uint NOutputsMaxPerSeq;
    public int NThreads;
    public int NThreadsBatch;
    public int CtxType;
    public int RopeScalingType;
    public int PoolingType;
    public int AttentionType;
    public int FlashAttnType;
    public float RopeFreqBase;
    public float RopeFreqScale;
    public float YarnExtFactor;
    public float YarnAttnFactor;
    public float YarnBetaFast;
    public float YarnBetaSlow;
    public uint YarnOrigCtx;
    public float DefragThold;
    public nint CbEval;
    public nint CbEvalUserData;
    public int TypeK;
    public int TypeV;
    public nint AbortCallback;
    public nint AbortCallbackData;
    public byte Embeddings;
    public byte OffloadKqv;
    public byte NoPerf;
    public byte OpOffload;
    public byte SwaFull;
    public byte KvUnified;
    public nint Samplers;
    public nuint NSamplers;
    public nint CtxOther;
}

/// <summary><c>enum llama_flash_attn_type</c>.</summary>
internal static class FlashAttention
{
    public const int Auto = -1;
    public const int Off = 0;
    public const int On = 1;
}

/// <summary><c>enum llama_pooling_type</c>: the values used for embeddings and reranking.</summary>
internal static class LlamaPoolingType
{
    public const int Mean = 1;

    /// <summary>Rank pooling: the model's classification head scores the whole sequence.</summary>
    public const int Rank = 4;
}
