using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.EngineProtocol.Tests.Gguf;

public sealed class GgufValueTests
{
    [Fact]
    public void Integers_of_any_width_read_as_long()
    {
        Assert.Equal(2048, GgufValue.UInt32(2048).AsInt64());
        Assert.Equal(-3, GgufValue.Int8(-3).AsInt64());
        Assert.Equal(7, GgufValue.UInt64(7).AsInt64());
        Assert.Null(GgufValue.UInt64(ulong.MaxValue).AsInt64());
        Assert.Null(GgufValue.Float32(1f).AsInt64());
        Assert.Null(GgufValue.Bool(true).AsInt64());
        Assert.Null(GgufValue.String("1").AsInt64());
    }

    [Fact]
    public void Typed_access_must_match_the_stored_type()
    {
        Assert.Equal(1.5f, GgufValue.Float32(1.5f).Get<float>());
        Assert.Equal("llama", GgufValue.String("llama").AsString());
        Assert.Null(GgufValue.UInt32(1).AsString());
        Assert.Throws<InvalidOperationException>(() => GgufValue.UInt32(1).Get<int>());
        Assert.Throws<InvalidOperationException>(() => GgufValue.Array<int>([1]).GetArray<uint>());
        Assert.Throws<InvalidOperationException>(() => GgufValue.UInt32(1).ArrayLength);
    }

    [Fact]
    public void Arrays_are_copied_in_and_read_only_out()
    {
        int[] items = [1, 2, 3];
        var value = GgufValue.Array<int>(items);
        items[0] = 99;

        Assert.Equal([1, 2, 3], value.GetArray<int>());
        Assert.Equal(GgufValueType.Int32, value.ArrayElementType);
        Assert.Throws<NotSupportedException>(() => ((IList<int>)value.GetArray<int>())[0] = 5);
    }

    [Fact]
    public void Values_compare_by_content()
    {
        Assert.Equal(GgufValue.Array<string>(["a", "b"]), GgufValue.Array<string>(["a", "b"]));
        Assert.NotEqual(GgufValue.Array<string>(["a", "b"]), GgufValue.Array<string>(["a", "c"]));
        Assert.NotEqual(GgufValue.UInt32(1), GgufValue.Int32(1));
        Assert.Equal(GgufValue.Float32(float.NaN), GgufValue.Float32(float.NaN));
        Assert.NotEqual(GgufValue.Float64(0.0), GgufValue.Float64(-0.0));
    }

    [Fact]
    public void Arrays_of_arrays_hold_only_arrays()
    {
        Assert.Throws<ArgumentException>(() => GgufValue.Array<GgufValue>([GgufValue.UInt8(1)]));
        Assert.Throws<ArgumentException>(() => GgufValue.Array<char>(['x']));
    }
}
