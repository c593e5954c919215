using System.Collections;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Supervision;

namespace LlamaOrch.Engines.Tests.Supervision;

public sealed class EngineEnvironmentTests
{
    [Fact]
    public void Only_allowed_variables_reach_the_engine()
    {
        var inherited = new Hashtable
        {
            ["PATH"] = "/usr/bin", ["HOME"] = "/home/op", ["LC_ALL"] = "C.UTF-8", ["CUDA_CACHE_PATH"] = "/tmp/cuda",
            ["GGML_SCHED_MAX_COPIES"] = "1", ["LLAMA_ARG_FLASH_ATTN"] = "off", ["DOTNET_ROOT"] = "/opt/dotnet",
            ["LLORCH_LLAMA_LIB_DIR"] = "/opt/llama", ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:4318",
            ["LLORCH_API_TOKEN"] = "secret", ["HF_TOKEN"] = "hf_secret", ["AWS_SECRET_ACCESS_KEY"] = "aws", ["path"] = "lower-case is another name",
        };
        var target = new Dictionary<string, string?> { ["STALE"] = "from before" };

        EngineEnvironment.Apply(target, inherited);

        Assert.Equal(
            ["CUDA_CACHE_PATH", "DOTNET_ROOT", "GGML_SCHED_MAX_COPIES", "HOME", "LC_ALL", "LLAMA_ARG_FLASH_ATTN", "LLORCH_LLAMA_LIB_DIR", "OTEL_EXPORTER_OTLP_ENDPOINT", "PATH"],
            target.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("/usr/bin", target["PATH"]);
    }

    [Fact]
    public void The_launch_sets_its_own_variables_on_top_of_the_allowed_ones()
    {
        var start = EngineLaunch.For(new PoolConfig { Id = "p", Model = "sim:x" }, "sim:x", 1234, "cpu");

        Assert.Equal(Environment.ProcessId.ToString(), start.Environment["LLORCH_PARENT_PID"]);
        Assert.Equal(string.Empty, start.Environment["CUDA_VISIBLE_DEVICES"]);
        Assert.Equal("PCI_BUS_ID", start.Environment["CUDA_DEVICE_ORDER"]);
        // Whatever orchestratord calls itself, its engines' spans say llorch-engine.
        Assert.Equal("llorch-engine", start.Environment["OTEL_SERVICE_NAME"]);
        Assert.All(start.Environment.Keys, name => Assert.True(
            EngineEnvironment.Passes(name) || name == "LLORCH_PARENT_PID", $"{name} is not on the allow-list"));
    }
}
