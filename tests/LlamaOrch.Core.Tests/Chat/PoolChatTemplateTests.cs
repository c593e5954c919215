using LlamaOrch.Core.Chat;
using LlamaOrch.Core.Engines;

namespace LlamaOrch.Core.Tests.Chat;

/// <summary>The pool's chat template is that of the model it serves, through a reload too.</summary>
public sealed class PoolChatTemplateTests
{
    [Fact]
    public async Task The_pools_template_follows_its_model_through_a_reload()
    {
        var harness = new PoolHarness(slots: 1, ready: false);
        Assert.Null(harness.Pool.ChatTemplate);

        var old = new ChatTemplateFacts("old {{ messages | length }}", "<s>", "</s>");
        harness.Pool.ModelResolved("sim:test", old);
        Assert.Same(old, harness.Pool.ChatTemplate);

        var plans = harness.Pool.TryBeginReload("sim:new", out _)!;
        var incoming = new ChatTemplateFacts("new {{ messages | length }}", "<|begin_of_text|>", "<|eot_id|>");
        harness.Pool.ModelResolved("sim:new", incoming);
        // Until the switch the pool still serves the old model, and renders with its template.
        Assert.Same(old, harness.Pool.ChatTemplate);

        harness.Pool.ReplicaReady(plans[0].ReplicaId, new ScriptedEngine(), new EngineFacts("new", 512, 1));
        Assert.Null(await harness.Pool.WaitIncomingAsync(CancellationToken.None));
        harness.Pool.CommitReload();
        Assert.Same(incoming, harness.Pool.ChatTemplate);
    }

    [Fact]
    public void A_model_without_a_file_has_no_template()
    {
        var harness = new PoolHarness(slots: 1, ready: false);
        harness.Pool.ModelResolved("sim:test", null);
        Assert.Null(harness.Pool.ChatTemplate);
    }
}
