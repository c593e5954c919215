using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp.Tests;

/// <summary>
/// Sizes and offsets measured by compiling the shipped llama.h (v0.5.0) with gcc on x86-64; a managed
/// struct that drifts from them would corrupt every call that passes it by value.
/// </summary>
public sealed class StructLayoutTests
{
    [Fact]
    public void Managed_structs_have_the_native_sizes()
    {
        Assert.Equal(80, Unsafe.SizeOf<LlamaModelParams>());
        Assert.Equal(160, Unsafe.SizeOf<LlamaContextParams>());
        Assert.Equal(56, Unsafe.SizeOf<LlamaBatch>());
        Assert.Equal(1, Unsafe.SizeOf<LlamaSamplerChainParams>());
        Assert.Equal(16, Unsafe.SizeOf<LlamaChatMessage>());
    }

    [Theory]
    [InlineData(nameof(LlamaModelParams.NGpuLayers), 16)]
    [InlineData(nameof(LlamaModelParams.LoadMode), 24)]
    [InlineData(nameof(LlamaModelParams.MainGpu), 32)]
    [InlineData(nameof(LlamaModelParams.TensorSplit), 40)]
    [InlineData(nameof(LlamaModelParams.KvOverrides), 64)]
    [InlineData(nameof(LlamaModelParams.VocabOnly), 72)]
    [InlineData(nameof(LlamaModelParams.LoadMtp), 77)]
    public void Model_params_fields_sit_at_the_native_offsets(string field, int offset) =>
        Assert.Equal(offset, Marshal.OffsetOf<LlamaModelParams>(field).ToInt32());

    [Theory]
    [InlineData(nameof(LlamaContextParams.NThreads), 28)]
    [InlineData(nameof(LlamaContextParams.CtxType), 36)]
    [InlineData(nameof(LlamaContextParams.RopeFreqBase), 56)]
    [InlineData(nameof(LlamaContextParams.CbEval), 88)]
    [InlineData(nameof(LlamaContextParams.TypeK), 104)]
    [InlineData(nameof(LlamaContextParams.AbortCallback), 112)]
    [InlineData(nameof(LlamaContextParams.Embeddings), 128)]
    [InlineData(nameof(LlamaContextParams.KvUnified), 133)]
    [InlineData(nameof(LlamaContextParams.Samplers), 136)]
    [InlineData(nameof(LlamaContextParams.NSamplers), 144)]
    [InlineData(nameof(LlamaContextParams.CtxOther), 152)]
    public void Context_params_fields_sit_at_the_native_offsets(string field, int offset) =>
        Assert.Equal(offset, Marshal.OffsetOf<LlamaContextParams>(field).ToInt32());
}
