using System.Runtime.InteropServices;

namespace LlamaOrch.LlamaCpp.Native;

/// <summary>
/// The C API of libllama and libggml, transcribed from the llama.h and ggml-backend.h of the exact build
/// we ship (llama.cpp v0.5.0). Library names are resolved by <see cref="NativeLibraryResolver"/>.
/// </summary>
internal static unsafe partial class NativeMethods
{
    public const string Llama = "llama";
    public const string Ggml = "ggml";

    [LibraryImport(Ggml, EntryPoint = "ggml_backend_load_all_from_path", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void GgmlBackendLoadAllFromPath(string directory);

    [LibraryImport(Ggml, EntryPoint = "ggml_backend_dev_count")]
    public static partial nuint GgmlBackendDevCount();

    [LibraryImport(Llama, EntryPoint = "llama_backend_init")]
    public static partial void BackendInit();

    [LibraryImport(Llama, EntryPoint = "llama_log_set")]
    public static partial void LogSet(delegate* unmanaged[Cdecl]<int, byte*, nint, void> callback, nint userData);

    [LibraryImport(Llama, EntryPoint = "llama_print_system_info")]
    public static partial byte* PrintSystemInfo();

    [LibraryImport(Llama, EntryPoint = "llama_model_default_params")]
    public static partial LlamaModelParams ModelDefaultParams();

    [LibraryImport(Llama, EntryPoint = "llama_context_default_params")]
    public static partial LlamaContextParams ContextDefaultParams();

    [LibraryImport(Llama, EntryPoint = "llama_sampler_chain_default_params")]
    public static partial LlamaSamplerChainParams SamplerChainDefaultParams();

    [LibraryImport(Llama, EntryPoint = "llama_model_load_from_file", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint ModelLoadFromFile(string path, LlamaModelParams parameters);

    [LibraryImport(Llama, EntryPoint = "llama_model_free")]
    public static partial void ModelFree(nint model);

    [LibraryImport(Llama, EntryPoint = "llama_model_desc")]
    public static partial int ModelDesc(nint model, byte* buffer, nuint size);

    [LibraryImport(Llama, EntryPoint = "llama_model_n_ctx_train")]
    public static partial int ModelNCtxTrain(nint model);

    [LibraryImport(Llama, EntryPoint = "llama_model_n_embd")]
    public static partial int ModelNEmbd(nint model);

    [LibraryImport(Llama, EntryPoint = "llama_model_get_vocab")]
    public static partial nint ModelGetVocab(nint model);

    [LibraryImport(Llama, EntryPoint = "llama_init_from_model")]
    public static partial nint InitFromModel(nint model, LlamaContextParams parameters);

    [LibraryImport(Llama, EntryPoint = "llama_free")]
    public static partial void Free(nint context);

    [LibraryImport(Llama, EntryPoint = "llama_n_ctx")]
    public static partial uint NCtx(nint context);

    [LibraryImport(Llama, EntryPoint = "llama_vocab_n_tokens")]
    public static partial int VocabNTokens(nint vocab);

    [LibraryImport(Llama, EntryPoint = "llama_vocab_bos")]
    public static partial int VocabBos(nint vocab);

    [LibraryImport(Llama, EntryPoint = "llama_vocab_eos")]
    public static partial int VocabEos(nint vocab);

    [LibraryImport(Llama, EntryPoint = "llama_vocab_sep")]
    public static partial int VocabSep(nint vocab);

    [LibraryImport(Llama, EntryPoint = "llama_vocab_get_add_bos")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool VocabGetAddBos(nint vocab);

    [LibraryImport(Llama, EntryPoint = "llama_vocab_get_add_eos")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool VocabGetAddEos(nint vocab);

    [LibraryImport(Llama, EntryPoint = "llama_vocab_get_add_sep")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool VocabGetAddSep(nint vocab);

    [LibraryImport(Llama, EntryPoint = "llama_model_n_cls_out")]
    public static partial uint ModelNClsOut(nint model);

    /// <summary>The named template stored in the model (null name: the default chat template); null when absent.</summary>
    [LibraryImport(Llama, EntryPoint = "llama_model_chat_template", StringMarshalling = StringMarshalling.Utf8)]
    public static partial byte* ModelChatTemplate(nint model, string? name);


    [LibraryImport(Llama, EntryPoint = "llama_vocab_is_eog")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool VocabIsEog(nint vocab, int token);


    [LibraryImport(Llama, EntryPoint = "llama_tokenize")]
    public static partial int Tokenize(
        nint vocab, byte* text, int textLength, int* tokens, int maxTokens,
        [MarshalAs(UnmanagedType.U1)] bool addSpecial, [MarshalAs(UnmanagedType.U1)] bool parseSpecial);

    [LibraryImport(Llama, EntryPoint = "llama_token_to_piece")]
    public static partial int TokenToPiece(nint vocab, int token, byte* buffer, int length, int lstrip, [MarshalAs(UnmanagedType.U1)] bool special);

    [LibraryImport(Llama, EntryPoint = "llama_batch_init")]
    public static partial LlamaBatch BatchInit(int maxTokens, int embd, int maxSequencesPerToken);

    [LibraryImport(Llama, EntryPoint = "llama_batch_free")]
    public static partial void BatchFree(LlamaBatch batch);

    [LibraryImport(Llama, EntryPoint = "llama_decode")]
    public static partial int Decode(nint context, LlamaBatch batch);

    [LibraryImport(Llama, EntryPoint = "llama_get_logits_ith")]
    public static partial float* GetLogitsIth(nint context, int index);

    [LibraryImport(Llama, EntryPoint = "llama_get_embeddings_seq")]
    public static partial float* GetEmbeddingsSeq(nint context, int sequence);

    [LibraryImport(Llama, EntryPoint = "llama_get_memory")]
    public static partial nint GetMemory(nint context);

    [LibraryImport(Llama, EntryPoint = "llama_memory_seq_rm")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool MemorySeqRm(nint memory, int sequence, int fromPos, int toPos);


    [LibraryImport(Llama, EntryPoint = "llama_sampler_chain_init")]
    public static partial nint SamplerChainInit(LlamaSamplerChainParams parameters);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_chain_add")]
    public static partial void SamplerChainAdd(nint chain, nint sampler);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_init_top_k")]
    public static partial nint SamplerInitTopK(int k);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_init_top_p")]
    public static partial nint SamplerInitTopP(float p, nuint minKeep);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_init_min_p")]
    public static partial nint SamplerInitMinP(float p, nuint minKeep);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_init_temp")]
    public static partial nint SamplerInitTemp(float temperature);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_init_dist")]
    public static partial nint SamplerInitDist(uint seed);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_init_greedy")]
    public static partial nint SamplerInitGreedy();

    [LibraryImport(Llama, EntryPoint = "llama_sampler_init_penalties")]
    public static partial nint SamplerInitPenalties(int vocabSize, int lastN, float repeat, float frequency, float presence);

    /// <summary>Null when the grammar does not parse or names no rule <paramref name="root"/>.</summary>
    [LibraryImport(Llama, EntryPoint = "llama_sampler_init_grammar", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint SamplerInitGrammar(nint vocab, string grammar, string root);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_sample")]
    public static partial int SamplerSample(nint sampler, nint context, int index);

    [LibraryImport(Llama, EntryPoint = "llama_sampler_free")]
    public static partial void SamplerFree(nint sampler);
}
