namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>What <c>namespace(…)</c> makes: the one object a template may assign attributes to across loop scopes.</summary>
internal sealed class JinjaNamespace
{
    public Dictionary<string, object?> Attributes { get; } = new(StringComparer.Ordinal);
}
