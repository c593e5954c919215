using System.Collections.Concurrent;
using LlamaOrch.Core.Chat;

namespace LlamaOrch.Core.Pools;

public sealed partial class PoolRuntime
{
    // Per model ref, as each replica resolved its model: during a reload the incoming model's facts wait here,
    // and the pool's facts follow its model when the reload commits.
    private readonly ConcurrentDictionary<string, ChatTemplateFacts?> _chatTemplatesByModel = new(StringComparer.Ordinal);

    /// <summary>
    /// What the pool's model says about chatting with it, known before any replica is ready (tasks queue while
    /// replicas start); null for a model without a GGUF (a sim model) or before the model is resolved.
    /// </summary>
    public ChatTemplateFacts? ChatTemplate => _chatTemplatesByModel.GetValueOrDefault(Config.Model);

    /// <summary>
    /// Records what <paramref name="model"/>'s file says about chatting (null: no GGUF, e.g. a sim model). The
    /// supervisor calls it once a replica has resolved its model to a local file, before the engine starts; it
    /// applies to the pool while, or as soon as, the pool serves that model.
    /// </summary>
    public void ModelResolved(string model, ChatTemplateFacts? facts)
    {
        ArgumentNullException.ThrowIfNull(model);
        _chatTemplatesByModel[model] = facts;
    }
}
