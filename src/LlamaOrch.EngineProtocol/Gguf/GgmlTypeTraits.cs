namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// How a ggml type packs elements: <see cref="BlockSize"/> elements take <see cref="TypeSize"/> bytes. Quantized
/// types pack whole blocks (32 or 256 elements), so a tensor's first dimension must be a multiple of the block size.
/// </summary>
internal readonly record struct GgmlTypeTraits(GgmlType Type, int BlockSize, int TypeSize)
{
    // Super-block size of the K-quants and most IQ types (ggml's QK_K).
    private const int QkK = 256;

    // Sizes are ggml's block structs (ggml-common.h), the same table gguf-py keeps as GGML_QUANT_SIZES.
    private static readonly Dictionary<GgmlType, GgmlTypeTraits> Table = new GgmlTypeTraits[]
    {
        new(GgmlType.F32, 1, 4),
        new(GgmlType.F16, 1, 2),
        new(GgmlType.Q4_0, 32, 2 + 16),
        new(GgmlType.Q4_1, 32, 2 + 2 + 16),
        new(GgmlType.Q5_0, 32, 2 + 4 + 16),
        new(GgmlType.Q5_1, 32, 2 + 2 + 4 + 16),
        new(GgmlType.Q8_0, 32, 2 + 32),
        new(GgmlType.Q8_1, 32, 4 + 4 + 32),
        new(GgmlType.Q2_K, QkK, 2 + 2 + QkK / 16 + QkK / 4),
        new(GgmlType.Q3_K, QkK, 2 + QkK / 4 + QkK / 8 + 12),
        new(GgmlType.Q4_K, QkK, 2 + 2 + QkK / 2 + 12),
        new(GgmlType.Q5_K, QkK, 2 + 2 + QkK / 2 + QkK / 8 + 12),
        new(GgmlType.Q6_K, QkK, 2 + QkK / 2 + QkK / 4 + QkK / 16),
        new(GgmlType.Q8_K, QkK, 4 + QkK + QkK / 8),
        new(GgmlType.IQ2_XXS, QkK, 2 + QkK / 4),
        new(GgmlType.IQ2_XS, QkK, 2 + QkK / 4 + QkK / 32),
        new(GgmlType.IQ3_XXS, QkK, 2 + QkK / 4 + QkK / 8),
        new(GgmlType.IQ1_S, QkK, 2 + QkK / 8 + QkK / 16),
        new(GgmlType.IQ4_NL, 32, 2 + 16),
        new(GgmlType.IQ3_S, QkK, 2 + QkK / 4 + QkK / 8 + QkK / 32 + 4),
        new(GgmlType.IQ2_S, QkK, 2 + QkK / 4 + QkK / 16),
        new(GgmlType.IQ4_XS, QkK, 2 + 2 + QkK / 2 + QkK / 64),
        new(GgmlType.I8, 1, 1),
        new(GgmlType.I16, 1, 2),
        new(GgmlType.I32, 1, 4),
        new(GgmlType.I64, 1, 8),
        new(GgmlType.F64, 1, 8),
        new(GgmlType.IQ1_M, QkK, QkK / 8 + QkK / 16 + QkK / 32),
        new(GgmlType.BF16, 1, 2),
        new(GgmlType.TQ1_0, QkK, 2 + 4 * 13),
        new(GgmlType.TQ2_0, QkK, 2 + 64),
        new(GgmlType.MXFP4, 32, 1 + 16),
        new(GgmlType.NVFP4, 64, 4 + 32),
        new(GgmlType.Q1_0, 128, 2 + 16),
    }.ToDictionary(t => t.Type);

    /// <summary>The name llama.cpp prints for the type (Q4_K, IQ2_XXS, F16).</summary>
    public string Name => Type.ToString();

    public static bool TryGet(GgmlType type, out GgmlTypeTraits traits) => Table.TryGetValue(type, out traits);

    /// <summary>The traits of a type this reader knows; an unknown number is an error that names it.</summary>
    public static GgmlTypeTraits Get(GgmlType type) =>
        TryGet(type, out var traits)
            ? traits
            : throw new NotSupportedException($"unknown ggml tensor type {(uint)type}");

    /// <summary>
    /// Bytes that <paramref name="elementCount"/> elements take, for a tensor whose first dimension is
    /// <paramref name="firstDimension"/>. Null when the first dimension is not a whole number of blocks (ggml
    /// refuses such tensors) or the size does not fit in a long.
    /// </summary>
    public long? TryByteSize(long firstDimension, long elementCount)
    {
        if (firstDimension % BlockSize != 0) return null;
        try
        {
            return checked(elementCount / BlockSize * TypeSize);
        }
        catch (OverflowException)
        {
            return null;
        }
    }
}
