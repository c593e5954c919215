namespace LlamaOrch.Core.Policy;

/// <summary>Where a data-flow rule applies: a task's prompt and inputs, an artifact's content and metadata, or both.</summary>
[Flags]
public enum DataFlowScope
{
    Prompts = 1,
    Artifacts = 2,
    Both = Prompts | Artifacts,
}
