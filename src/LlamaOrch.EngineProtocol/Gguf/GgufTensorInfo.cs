using System.Collections.Immutable;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// One tensor as the GGUF header describes it. <see cref="Dimensions"/> are in ggml order, fastest-varying first
/// (ne0, ne1, …): a [n_embd, n_vocab] embedding is n_vocab rows of n_embd elements. <see cref="Offset"/> is relative
/// to the start of the file's data section, not to the start of the file.
/// </summary>
internal sealed class GgufTensorInfo : IEquatable<GgufTensorInfo>
{
    /// <summary>ggml tensors have at most four dimensions (GGML_MAX_DIMS).</summary>
    public const int MaxDimensions = 4;

    public GgufTensorInfo(string name, IEnumerable<long> dimensions, GgmlType type, long offset)
    {
        ArgumentNullException.ThrowIfNull(name);
        Name = name;
        Dimensions = [.. dimensions];
        Type = type;
        Offset = offset >= 0 ? offset : throw new ArgumentOutOfRangeException(nameof(offset), "a tensor offset cannot be negative");
        var problem = TryMeasure(Dimensions.AsSpan(), type, out var elements, out var bytes);
        if (problem is not null) throw new ArgumentException($"tensor '{name}': {problem}", nameof(dimensions));
        ElementCount = elements;
        ByteSize = bytes;
    }

    public string Name { get; }

    public ImmutableArray<long> Dimensions { get; }

    public GgmlType Type { get; }

    public long Offset { get; }

    /// <summary>The number of elements (parameters) in the tensor.</summary>
    public long ElementCount { get; }

    /// <summary>The bytes the tensor's data takes, from the element count and the type's block size.</summary>
    public long ByteSize { get; }

    /// <summary>
    /// Counts the elements and bytes of a tensor of this shape and type, or says why it cannot exist: too many
    /// dimensions, a negative dimension, a count that overflows, an unknown type, or a first dimension that is not a
    /// whole number of the type's blocks.
    /// </summary>
    internal static string? TryMeasure(ReadOnlySpan<long> dimensions, GgmlType type, out long elements, out long bytes)
    {
        elements = 0;
        bytes = 0;
        if (dimensions.Length > MaxDimensions)
            return $"{dimensions.Length} dimensions, but ggml tensors have at most {MaxDimensions}";
        long count = 1;
        foreach (var dimension in dimensions)
        {
            if (dimension < 0) return $"negative dimension {dimension}";
            if (dimension != 0 && count > long.MaxValue / dimension) return "the element count overflows a 64-bit integer";
            count *= dimension;
        }
        if (!GgmlTypeTraits.TryGet(type, out var traits))
            return $"unknown ggml tensor type {(uint)type}";
        var firstDimension = dimensions.Length > 0 ? dimensions[0] : 1;
        var size = traits.TryByteSize(firstDimension, count);
        if (size is null)
        {
            return firstDimension % traits.BlockSize != 0
                ? $"first dimension {firstDimension} is not a multiple of the {traits.Name} block size {traits.BlockSize}"
                : "the byte size overflows a 64-bit integer";
        }
        elements = count;
        bytes = size.Value;
        return null;
    }

    public bool Equals(GgufTensorInfo? other) =>
        other is not null
        && Name == other.Name
        && Type == other.Type
        && Offset == other.Offset
        && Dimensions.AsSpan().SequenceEqual(other.Dimensions.AsSpan());

    public override bool Equals(object? obj) => Equals(obj as GgufTensorInfo);

    public override int GetHashCode() => HashCode.Combine(Name, Type, Offset, Dimensions.Length);

    public override string ToString() => $"{Name} {Type} [{string.Join(", ", Dimensions)}] @{Offset} ({ByteSize} bytes)";
}
