using System.Collections.ObjectModel;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace LlamaOrch.EngineProtocol.Gguf;

/// <summary>
/// One GGUF metadata value: a scalar, a string, or an array of one element type (arrays of arrays included).
/// Immutable: arrays are copied in and handed out read-only. Arrays are kept as typed CLR arrays rather than lists
/// of values, because a vocabulary is an array of 32k to 250k strings and scores.
/// </summary>
internal sealed class GgufValue : IEquatable<GgufValue>
{
    // A boxed scalar (byte … double, bool), a string, or a typed array: byte[] … double[], bool[], string[], or
    // GgufValue[] for an array of arrays.
    private readonly object _value;

    private GgufValue(GgufValueType type, GgufValueType? elementType, object value)
    {
        Type = type;
        ArrayElementType = elementType;
        _value = value;
    }

    public GgufValueType Type { get; }

    /// <summary>The element type of an array; null for a scalar or a string.</summary>
    public GgufValueType? ArrayElementType { get; }

    /// <summary>The number of elements of an array.</summary>
    public int ArrayLength => _value is Array array && Type == GgufValueType.Array
        ? array.Length
        : throw new InvalidOperationException($"a GGUF {Type} value is not an array");

    public static GgufValue UInt8(byte value) => new(GgufValueType.UInt8, null, value);
    public static GgufValue Int8(sbyte value) => new(GgufValueType.Int8, null, value);
    public static GgufValue UInt16(ushort value) => new(GgufValueType.UInt16, null, value);
    public static GgufValue Int16(short value) => new(GgufValueType.Int16, null, value);
    public static GgufValue UInt32(uint value) => new(GgufValueType.UInt32, null, value);
    public static GgufValue Int32(int value) => new(GgufValueType.Int32, null, value);
    public static GgufValue Float32(float value) => new(GgufValueType.Float32, null, value);
    public static GgufValue Bool(bool value) => new(GgufValueType.Bool, null, value);
    public static GgufValue String(string value) => new(GgufValueType.String, null, value ?? throw new ArgumentNullException(nameof(value)));
    public static GgufValue UInt64(ulong value) => new(GgufValueType.UInt64, null, value);
    public static GgufValue Int64(long value) => new(GgufValueType.Int64, null, value);
    public static GgufValue Float64(double value) => new(GgufValueType.Float64, null, value);

    /// <summary>
    /// An array whose GGUF element type follows from <typeparamref name="T"/>: byte → uint8, int → int32,
    /// float → float32, string → string, <see cref="GgufValue"/> → array of arrays, and so on.
    /// </summary>
    public static GgufValue Array<T>(ReadOnlySpan<T> items) => FromCopy(items.ToArray());

    /// <inheritdoc cref="Array{T}(ReadOnlySpan{T})"/>
    public static GgufValue Array<T>(IEnumerable<T> items) => FromCopy(items.ToArray());

    private static GgufValue FromCopy<T>(T[] copy)
    {
        var elementType = ElementTypeOf(typeof(T));
        if (copy is GgufValue[] nested && System.Array.Exists(nested, item => item is null || item.Type != GgufValueType.Array))
            throw new ArgumentException("every element of a GGUF array of arrays must itself be an array");
        if (copy is string[] strings && System.Array.IndexOf(strings, null) >= 0)
            throw new ArgumentException("a GGUF string array cannot hold null");
        return new GgufValue(GgufValueType.Array, elementType, copy);
    }

    /// <summary>Wraps an array the reader has just built, without a second copy.</summary>
    internal static GgufValue WrapArray(GgufValueType elementType, Array items) => new(GgufValueType.Array, elementType, items);

    /// <summary>The scalar or string value as <typeparamref name="T"/>; its type must match exactly.</summary>
    public T Get<T>() => _value is T value && Type != GgufValueType.Array
        ? value
        : throw new InvalidOperationException($"a GGUF {Describe()} value is not a {typeof(T).Name}");

    /// <summary>The elements of an array whose element type is <typeparamref name="T"/>.</summary>
    public IReadOnlyList<T> GetArray<T>() =>
        // The element type is compared, not just the CLR array: the runtime lets an int[] pass as a uint[].
        Type == GgufValueType.Array && ArrayElementType == ElementTypeOf(typeof(T)) && _value is T[] items
        ? new ReadOnlyCollection<T>(items)
        : throw new InvalidOperationException($"a GGUF {Describe()} value is not an array of {typeof(T).Name}");

    public string? AsString() => Type == GgufValueType.String ? (string)_value : null;

    /// <summary>Any integer scalar as a long; false for other types and for a uint64 beyond long's range.</summary>
    public bool TryGetInt64(out long value)
    {
        switch (_value)
        {
            case byte v: value = v; return true;
            case sbyte v: value = v; return true;
            case ushort v: value = v; return true;
            case short v: value = v; return true;
            case uint v: value = v; return true;
            case int v: value = v; return true;
            case long v: value = v; return true;
            case ulong v when v <= long.MaxValue: value = (long)v; return true;
            default: value = 0; return false;
        }
    }

    /// <summary>Any integer scalar as a long, or null.</summary>
    public long? AsInt64() => TryGetInt64(out var value) ? value : null;

    public bool Equals(GgufValue? other)
    {
        if (other is null) return false;
        if (ReferenceEquals(this, other)) return true;
        if (Type != other.Type || ArrayElementType != other.ArrayElementType) return false;
        return (_value, other._value) switch
        {
            // Floats compare by bits, so a NaN that was written reads back equal.
            (float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b),
            (double a, double b) => BitConverter.DoubleToInt64Bits(a) == BitConverter.DoubleToInt64Bits(b),
            (float[] a, float[] b) => BitsEqual(a, b),
            (double[] a, double[] b) => BitsEqual(a, b),
            (GgufValue[] a, GgufValue[] b) => a.AsSpan().SequenceEqual(b),
            (string[] a, string[] b) => a.AsSpan().SequenceEqual(b),
            (byte[] a, byte[] b) => a.AsSpan().SequenceEqual(b),
            (sbyte[] a, sbyte[] b) => a.AsSpan().SequenceEqual(b),
            (ushort[] a, ushort[] b) => a.AsSpan().SequenceEqual(b),
            (short[] a, short[] b) => a.AsSpan().SequenceEqual(b),
            (uint[] a, uint[] b) => a.AsSpan().SequenceEqual(b),
            (int[] a, int[] b) => a.AsSpan().SequenceEqual(b),
            (ulong[] a, ulong[] b) => a.AsSpan().SequenceEqual(b),
            (long[] a, long[] b) => a.AsSpan().SequenceEqual(b),
            (bool[] a, bool[] b) => a.AsSpan().SequenceEqual(b),
            var (a, b) => a.Equals(b),
        };
    }

    public override bool Equals(object? obj) => Equals(obj as GgufValue);

    public override int GetHashCode() => _value is Array array
        ? HashCode.Combine(Type, ArrayElementType, array.Length)
        : HashCode.Combine(Type, _value);

    /// <summary>A short readable form for logs and diagnostics: long arrays show their first few elements.</summary>
    public override string ToString()
    {
        if (_value is not Array array) return FormatScalar(_value);
        const int shown = 8;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{ArrayElementType}[{array.Length}] [");
        for (var i = 0; i < Math.Min(array.Length, shown); i++)
        {
            if (i > 0) text.Append(", ");
            text.Append(FormatScalar(array.GetValue(i)!));
        }
        if (array.Length > shown) text.Append(", …");
        return text.Append(']').ToString();
    }

    private string Describe() => Type == GgufValueType.Array ? $"array of {ArrayElementType}" : Type.ToString();

    private static string FormatScalar(object value) => value switch
    {
        string s => $"\"{s}\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static bool BitsEqual(float[] a, float[] b) =>
        MemoryMarshal.Cast<float, int>(a).SequenceEqual(MemoryMarshal.Cast<float, int>(b));

    private static bool BitsEqual(double[] a, double[] b) =>
        MemoryMarshal.Cast<double, long>(a).SequenceEqual(MemoryMarshal.Cast<double, long>(b));

    private static GgufValueType ElementTypeOf(Type type) =>
        type == typeof(byte) ? GgufValueType.UInt8
        : type == typeof(sbyte) ? GgufValueType.Int8
        : type == typeof(ushort) ? GgufValueType.UInt16
        : type == typeof(short) ? GgufValueType.Int16
        : type == typeof(uint) ? GgufValueType.UInt32
        : type == typeof(int) ? GgufValueType.Int32
        : type == typeof(float) ? GgufValueType.Float32
        : type == typeof(bool) ? GgufValueType.Bool
        : type == typeof(string) ? GgufValueType.String
        : type == typeof(ulong) ? GgufValueType.UInt64
        : type == typeof(long) ? GgufValueType.Int64
        : type == typeof(double) ? GgufValueType.Float64
        : type == typeof(GgufValue) ? GgufValueType.Array
        : throw new ArgumentException($"{type.Name} is not a GGUF array element type");
}
