using LlamaOrch.Core.Chat;

namespace LlamaOrch.Core.Pools;

public sealed partial class PoolRuntime
{
    private volatile ChatTemplateFacts? _chatTemplate;

    /// <summary>
    /// What the pool's model says about chatting with it, known before any replica is ready (tasks queue while
    /// replicas start); null for a model without a GGUF (a sim model) or before the model is resolved.
    /// </summary>
    public ChatTemplateFacts? ChatTemplate
    {
        get => _chatTemplate;
        set => _chatTemplate = value;
    }
}
