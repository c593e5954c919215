namespace LlamaOrch.Core.Chat;

public enum ToolChoiceMode
{
    /// <summary>The model may answer in text or call tools.</summary>
    Auto,

    /// <summary>No tool call: the tools are still shown to the model, its output is text.</summary>
    None,

    /// <summary>At least one tool call, forced by grammar.</summary>
    Required,

    /// <summary>A call of the function <see cref="ToolChoice.Name"/>, forced by grammar.</summary>
    Named,
}

public sealed record ToolChoice(ToolChoiceMode Mode, string? Name = null)
{
    public static readonly ToolChoice Auto = new(ToolChoiceMode.Auto);
    public static readonly ToolChoice None = new(ToolChoiceMode.None);
    public static readonly ToolChoice Required = new(ToolChoiceMode.Required);

    public static ToolChoice Function(string name) => new(ToolChoiceMode.Named, name);
}
