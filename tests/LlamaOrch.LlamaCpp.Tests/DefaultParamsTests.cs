using LlamaOrch.LlamaCpp.Native;

namespace LlamaOrch.LlamaCpp.Tests;

/// <summary>Reads the library's own defaults back: every value landing in its field proves the layout end to end.</summary>
public sealed class DefaultParamsTests
{
    public DefaultParamsTests() => LlamaBackend.EnsureInitialized();

    [Fact]
    public void Context_defaults_are_those_of_llama_context_default_params()
    {
        var p = NativeMethods.ContextDefaultParams();
        Assert.Equal((512u, 2048u, 512u, 1u, 0u, 0u, 1u), (p.NCtx, p.NBatch, p.NUbatch, p.NSeqMax, p.NRsSeq, p.NOutputsMax, p.NOutputsMaxPerSeq));
        Assert.Equal(4, p.NThreads); // GGML_DEFAULT_N_THREADS
        Assert.Equal(-1f, p.YarnExtFactor);
        Assert.Equal(-1f, p.DefragThold);
        Assert.Equal(1, p.TypeK); // GGML_TYPE_F16
        Assert.Equal(1, p.TypeV);
        Assert.Equal((0, 1, 1, 1, 1, 0), (p.Embeddings, p.OffloadKqv, p.NoPerf, p.OpOffload, p.SwaFull, p.KvUnified));
        Assert.Equal(0, p.CtxOther);
    }

    [Fact]
    public void Model_defaults_are_those_of_llama_model_default_params()
    {
        var p = NativeMethods.ModelDefaultParams();
        Assert.Equal(-1, p.NGpuLayers);
        Assert.Equal(1, p.SplitMode); // LLAMA_SPLIT_MODE_LAYER
        Assert.Equal(LlamaLoadMode.Auto, p.LoadMode);
        Assert.Equal(1, p.LazyMode); // LLAMA_LAZY_MODE_AUTO
        Assert.Equal((0, 0, 1, 0, 0, 0), (p.VocabOnly, p.CheckTensors, p.UseExtraBufts, p.NoHost, p.NoAlloc, p.LoadMtp));
    }

    [Fact]
    public void The_cpu_backend_is_found_in_the_shipped_folder()
    {
        Assert.True(LlamaBackend.DeviceCount >= 1);
        Assert.Contains("CPU", LlamaBackend.SystemInfo);
    }
}
