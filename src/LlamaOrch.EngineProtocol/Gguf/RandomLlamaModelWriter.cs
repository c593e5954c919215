using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// Makes llama-architecture GGUF models of any shape with random weights: something real llama.cpp loads and runs,
/// for tests and benchmarks that need a model of a given size without downloading one. The layout (keys, tensor
/// names, ggml dimension order, tensor order) mirrors stories260K. The same shape, weight type and seed always give
/// the same bytes. Weights are uniform in ±<see cref="WeightScale"/> and norms are 1, so activations stay small and
/// logits finite; the output is gibberish, on purpose.
/// A reranker is written the way llama.cpp's converter writes a Qwen3 reranker: the qwen3 architecture (llama plus
/// per-head q/k norms), rank pooling, a two-row <c>cls.output</c> head labelled yes/no, and a rerank prompt template.
/// llama.cpp then scores a query/document pair as the softmax probability of "yes".
/// </summary>
internal static class RandomLlamaModelWriter
{
    public const string Architecture = "llama";
    public const string RerankerArchitecture = "qwen3";
    public const string RerankTemplate = "Query: {query}\nDocument: {document}\nRelevant:";

    // llama_pooling_type LLAMA_POOLING_TYPE_RANK.
    private const uint RankPooling = 4;
    public const float WeightScale = 0.02f;
    public const float RmsNormEpsilon = 1e-5f;

    // Tensor data is produced and written in chunks of this size, whatever the model's size.
    private const int ChunkBytes = 256 * 1024;

    /// <summary>Writes a random model to <paramref name="path"/>, atomically.</summary>
    public static Task WriteFileAsync(
        string path,
        LlamaModelShape shape,
        GgmlType weightType = GgmlType.F32,
        ulong seed = 0,
        bool reranker = false,
        string? rerankTemplate = RerankTemplate,
        RandomChatVocabulary? chat = null,
        CancellationToken cancellationToken = default) =>
        Create(shape, weightType, seed, reranker, rerankTemplate, chat).WriteFileAsync(path, cancellationToken);

    /// <summary>
    /// A writer holding the model's metadata and tensor plan; nothing is generated until it is written. Matrices are
    /// <paramref name="weightType"/> (F32 or F16); the one-dimensional norms stay F32, as in every llama.cpp file type.
    /// A <paramref name="reranker"/> stores <paramref name="rerankTemplate"/> when it is not null; without one, llama.cpp
    /// lays a query/document pair out as BOS, query, document (as for BERT-style rerankers).
    /// A <paramref name="chat"/> model stores its chat template and names its BOS, EOS and control tokens as that
    /// family does (see <see cref="RandomChatVocabulary"/>).
    /// </summary>
    public static GgufWriter Create(
        LlamaModelShape shape, GgmlType weightType = GgmlType.F32, ulong seed = 0, bool reranker = false, string? rerankTemplate = RerankTemplate,
        RandomChatVocabulary? chat = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        shape.Validate();
        var fileType = weightType switch
        {
            GgmlType.F32 => GgufFileType.AllF32,
            GgmlType.F16 => GgufFileType.MostlyF16,
            _ => throw new ArgumentOutOfRangeException(nameof(weightType), weightType, "random weights are written as F32 or F16"),
        };
        var vocabulary = RandomLlamaVocabulary.Build(shape.VocabSize, chat);
        var architecture = reranker ? RerankerArchitecture : Architecture;
        string Key(string suffix) => GgufKeys.ForArchitecture(architecture, suffix);

        var writer = new GgufWriter()
            .Add(GgufKeys.Architecture, GgufValue.String(architecture))
            .Add(GgufKeys.Name, GgufValue.String(string.Create(CultureInfo.InvariantCulture, $"random-{architecture}-{shape.ParameterCount}-seed{seed}")))
            .Add(GgufKeys.FileType, GgufValue.UInt32((uint)fileType))
            .Add(Key(GgufKeys.VocabSize), GgufValue.UInt32((uint)shape.VocabSize))
            .Add(Key(GgufKeys.ContextLength), GgufValue.UInt32((uint)shape.ContextLength))
            .Add(Key(GgufKeys.EmbeddingLength), GgufValue.UInt32((uint)shape.EmbeddingLength))
            .Add(Key(GgufKeys.BlockCount), GgufValue.UInt32((uint)shape.BlockCount))
            .Add(Key(GgufKeys.FeedForwardLength), GgufValue.UInt32((uint)shape.FeedForwardLength))
            .Add(Key(GgufKeys.HeadCount), GgufValue.UInt32((uint)shape.HeadCount))
            .Add(Key(GgufKeys.HeadCountKv), GgufValue.UInt32((uint)shape.HeadCountKv))
            .Add(Key(GgufKeys.RopeDimensionCount), GgufValue.UInt32((uint)shape.HeadDimension))
            .Add(Key(GgufKeys.LayerNormRmsEpsilon), GgufValue.Float32(RmsNormEpsilon))
            .Add(GgufKeys.TokenizerModel, GgufValue.String("llama"))
            .Add(GgufKeys.TokenizerTokens, GgufValue.Array(vocabulary.Tokens))
            .Add(GgufKeys.TokenizerScores, GgufValue.Array(vocabulary.Scores))
            .Add(GgufKeys.TokenizerTokenType, GgufValue.Array(vocabulary.TokenTypes))
            .Add(GgufKeys.TokenizerBosId, GgufValue.UInt32(RandomLlamaVocabulary.BosId))
            .Add(GgufKeys.TokenizerEosId, GgufValue.UInt32(RandomLlamaVocabulary.EosId))
            .Add(GgufKeys.TokenizerUnknownId, GgufValue.UInt32(RandomLlamaVocabulary.UnknownId))
            .Add(GgufKeys.TokenizerAddBos, GgufValue.Bool(true))
            .Add(GgufKeys.TokenizerAddEos, GgufValue.Bool(false));
        if (chat is not null) writer.Add(GgufKeys.ChatTemplate, GgufValue.String(chat.Template));
        if (reranker)
        {
            writer
                .Add(Key(GgufKeys.PoolingType), GgufValue.UInt32(RankPooling))
                .Add(Key(GgufKeys.ClassifierOutputLabels), GgufValue.Array(new[] { "yes", "no" }));
            if (rerankTemplate is not null) writer.Add(GgufKeys.RerankTemplate, GgufValue.String(rerankTemplate));
        }

        long embd = shape.EmbeddingLength, vocab = shape.VocabSize, ff = shape.FeedForwardLength, kv = shape.KvDimension;
        ulong tensorIndex = 0;
        // ggml order: ne0 is the input width (a row), ne1 the number of rows (outputs); token_embd is one row per token.
        void Matrix(string name, long inputs, long outputs) =>
            writer.AddTensor(name, [inputs, outputs], weightType, RandomWeights(Xoshiro256StarStar.Mix(seed, tensorIndex++), inputs * outputs, weightType));
        void Norm(string name, long width) => writer.AddTensor(name, [width], GgmlType.F32, Ones(width));

        Matrix("token_embd.weight", embd, vocab);
        Norm("output_norm.weight", embd);
        Matrix("output.weight", embd, vocab);
        for (var layer = 0; layer < shape.BlockCount; layer++)
        {
            var prefix = string.Create(CultureInfo.InvariantCulture, $"blk.{layer}.");
            Matrix(prefix + "attn_q.weight", embd, embd);
            Matrix(prefix + "attn_k.weight", embd, kv);
            Matrix(prefix + "attn_v.weight", embd, kv);
            Matrix(prefix + "attn_output.weight", embd, embd);
            Norm(prefix + "attn_norm.weight", embd);
            if (reranker)
            {
                Norm(prefix + "attn_q_norm.weight", shape.HeadDimension);
                Norm(prefix + "attn_k_norm.weight", shape.HeadDimension);
            }
            Matrix(prefix + "ffn_gate.weight", embd, ff);
            Matrix(prefix + "ffn_down.weight", ff, embd);
            Matrix(prefix + "ffn_up.weight", embd, ff);
            Norm(prefix + "ffn_norm.weight", embd);
        }
        if (reranker) Matrix("cls.output.weight", embd, 2);
        return writer;
    }

    // Each tensor has its own random stream, seeded from the model seed and the tensor's index, and generated chunk by
    // chunk into one pooled buffer: memory stays at one chunk whatever the model's size.
    private static GgufTensorDataSource RandomWeights(ulong streamSeed, long count, GgmlType type) => async (destination, cancellationToken) =>
    {
        var random = new Xoshiro256StarStar(streamSeed);
        var elementBytes = type == GgmlType.F16 ? 2 : 4;
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            for (var left = count; left > 0;)
            {
                var n = (int)Math.Min(left, ChunkBytes / elementBytes);
                FillUniform(random, buffer.AsSpan(0, n * elementBytes), type);
                await destination.WriteAsync(buffer.AsMemory(0, n * elementBytes), cancellationToken);
                left -= n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    };

    private static GgufTensorDataSource Ones(long count) => async (destination, cancellationToken) =>
    {
        var bytes = new byte[checked((int)count * sizeof(float))];
        for (var i = 0; i < count; i++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), 1f);
        await destination.WriteAsync(bytes, cancellationToken);
    };

    private static void FillUniform(Xoshiro256StarStar random, Span<byte> destination, GgmlType type)
    {
        const float unit = 1f / (1 << 24);
        if (type == GgmlType.F16)
        {
            for (var i = 0; i < destination.Length; i += 2)
                BinaryPrimitives.WriteHalfLittleEndian(destination[i..], (Half)Uniform(random.NextUInt64()));
        }
        else
        {
            for (var i = 0; i < destination.Length; i += 4)
                BinaryPrimitives.WriteSingleLittleEndian(destination[i..], Uniform(random.NextUInt64()));
        }

        // The top 24 bits make an exact float in [0, 1); scaled to [-WeightScale, WeightScale).
        static float Uniform(ulong bits) => ((bits >> 40) * unit * 2f - 1f) * WeightScale;
    }
}
