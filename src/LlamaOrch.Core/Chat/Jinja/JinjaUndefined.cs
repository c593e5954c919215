namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>
/// A name or key that is not there, as Jinja's default <c>Undefined</c>: falsy, renders empty, iterates as empty,
/// <c>is defined</c> false. Unlike Jinja, reading an attribute of it gives another undefined instead of an error,
/// as llama.cpp's renderer does, so templates that probe optional fields render the same.
/// </summary>
internal sealed class JinjaUndefined
{
    public static JinjaUndefined Instance { get; } = new();

    private JinjaUndefined()
    {
    }

    public override string ToString() => "";
}
