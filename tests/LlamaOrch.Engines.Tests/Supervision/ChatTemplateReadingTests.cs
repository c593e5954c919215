using LlamaOrch.Core;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Telemetry;
using LlamaOrch.Engines.Devices;
using LlamaOrch.Engines.Models;
using LlamaOrch.Engines.Placement;
using LlamaOrch.Engines.Supervision;
using LlamaOrch.EngineProtocol.Gguf;
using LlamaOrch.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaOrch.Engines.Tests.Supervision;

/// <summary>The pool knows its model's chat template from the GGUF header as soon as the model is resolved, before an engine is up.</summary>
public sealed class ChatTemplateReadingTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_pool_serving_a_gguf_with_a_template_gets_it_before_any_replica_is_ready()
    {
        var model = await ChatTemplateModels.Qwen25PathAsync();
        // The engine cannot even start: the template must come from the header, not from a running engine.
        var facts = await ChatTemplateOfPoolAsync(model);

        Assert.Equal(ChatTemplateTexts.Qwen25Instruct, facts.Template);
        Assert.Equal("<|endoftext|>", facts.BosToken);
        Assert.Equal("<|im_end|>", facts.EosToken);
    }

    [Fact]
    public async Task A_gguf_without_a_template_gives_facts_without_one_and_does_not_fail_the_pool()
    {
        var facts = await ChatTemplateOfPoolAsync(RepoPaths.Stories260K);

        Assert.Null(facts.Template);
        Assert.Equal("<s>", facts.BosToken);
        Assert.Equal("</s>", facts.EosToken);
    }

    [Fact]
    public async Task The_reader_takes_the_header_of_the_llama_family_model_and_tolerates_what_is_not_gguf()
    {
        var facts = ChatTemplateReader.Read(await ChatTemplateModels.Llama31PathAsync());
        Assert.NotNull(facts);
        Assert.Equal(ChatTemplateTexts.Llama31Instruct, facts.Template);
        Assert.Equal("<|begin_of_text|>", facts.BosToken);
        Assert.Equal("<|eot_id|>", facts.EosToken);

        var notGguf = _temp.Combine("not.gguf");
        await File.WriteAllTextAsync(notGguf, "this is not a model");
        Assert.Null(ChatTemplateReader.Read(notGguf));
        Assert.Null(ChatTemplateReader.Read(_temp.Combine("missing.gguf")));
    }

    private async Task<Core.Chat.ChatTemplateFacts> ChatTemplateOfPoolAsync(string model)
    {
        var config = new PoolConfig { Id = "chat", Model = model, Devices = ["cpu"], Ctx = 256, Slots = 1, EngineCommand = _temp.Combine("no-such-engine") };
        var inventory = new DeviceInventory(new NvidiaSmiProbe(_temp.Combine("no-such-nvidia-smi"), TimeProvider.System));
        var ledger = new DeviceLedger();
        await using var services = new ServiceCollection()
            .AddSingleton(TimeProvider.System)
            .AddLogging()
            .AddSingleton<IDeviceAvailability>(new LedgerDeviceAvailability(inventory, ledger))
            .AddSingleton<ITaskMetrics, IgnoredTaskMetrics>()
            .AddLlamaOrchCore(new CoreOptions([config], TimeSpan.FromMinutes(1), 16, TimeSpan.FromHours(1), DefaultModel: null))
            .BuildServiceProvider();
        var pools = services.GetRequiredService<PoolRegistry>();
        var pool = pools.All[0];
        Assert.Null(pool.ChatTemplate);

        using var store = new ModelStore(new ModelStoreOptions { CacheDir = _temp.Combine("cache"), SearchPaths = [], Offline = true });
        await using var supervisor = new PoolSupervisor(pools, store, null, new ReplicaPlacer(inventory, ledger, TimeProvider.System),
            new SupervisorOptions(), TimeProvider.System, NullLoggerFactory.Instance);
        supervisor.Start();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (pool.ChatTemplate is null) await Task.Delay(20, timeout.Token);
        Assert.DoesNotContain(pool.Replicas(), r => r.State == "ready");
        return pool.ChatTemplate;
    }

    /// <summary>These tests run no task; the pool still needs somewhere to report to.</summary>
    private sealed class IgnoredTaskMetrics : ITaskMetrics
    {
        public void TaskEnqueued(PoolMetricLabels pool, Core.Tasks.Priority priority)
        {
        }

        public void TaskStarted(PoolMetricLabels pool, string replicaId, Core.Tasks.Priority priority)
        {
        }

        public void TaskCanceled(PoolMetricLabels pool, string replicaId, string reason)
        {
        }

        public void RunEnded(PoolMetricLabels pool, string replicaId, Core.Tasks.Priority priority, RunFigures figures)
        {
        }
    }
}
