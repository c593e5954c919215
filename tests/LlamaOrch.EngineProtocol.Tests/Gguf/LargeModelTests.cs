using LlamaOrch.Testing;
using LlamaOrch.EngineProtocol.Gguf;

namespace LlamaOrch.EngineProtocol.Tests.Gguf;

/// <summary>
/// A ~100M-parameter model is written without holding it in memory. Alone in its collection, so that the allocation
/// count measures this write and not the tests running beside it.
/// </summary>
[Collection(nameof(LargeModelCollection))]
public sealed class LargeModelTests
{
    [Fact]
    public async Task A_100M_parameter_model_streams_to_disk_in_bounded_memory()
    {
        // 32k vocabulary, 768 wide, 8 layers, grouped-query attention: 99.5M parameters, 200 MB as F16.
        var shape = new LlamaModelShape(VocabSize: 32_000, EmbeddingLength: 768, BlockCount: 8, HeadCount: 12, HeadCountKv: 4, FeedForwardLength: 2048, ContextLength: 2048);
        using var directory = new TempDirectory();
        var path = directory.Combine("large.gguf");

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        await RandomLlamaModelWriter.WriteFileAsync(path, shape, GgmlType.F16, seed: 5);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

        allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var file = GgufReader.Read(path);
        var readAllocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var length = new FileInfo(path).Length;
        Assert.Equal(99_496_704, shape.ParameterCount);
        Assert.Equal(shape.ParameterCount, file.Model.ParameterCount);
        Assert.Equal(length, file.DataOffset + file.TensorDataLength);
        Assert.True(length > 190_000_000, $"file is {length} bytes");
        // The whole write allocates a small fraction of the file: header, a 1 MB file buffer, one chunk per tensor.
        Assert.True(allocated < 32 * 1024 * 1024, $"writing a {length}-byte model allocated {allocated} bytes");
        // Reading takes the header only, never the tensor data.
        Assert.True(readAllocated < 16 * 1024 * 1024, $"reading the header of a {length}-byte model allocated {readAllocated} bytes");
    }
}
