namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>The <c>loop</c> variable inside a for loop.</summary>
internal sealed class JinjaLoop(IReadOnlyList<object?> items)
{
    public int Index0 { get; set; }

    public object? Attribute(string name) => name switch
    {
        "index" => (long)Index0 + 1,
        "index0" => (long)Index0,
        "first" => Index0 == 0,
        "last" => Index0 == items.Count - 1,
        "length" => (long)items.Count,
        "revindex" => (long)(items.Count - Index0),
        "revindex0" => (long)(items.Count - Index0 - 1),
        "previtem" => Index0 > 0 ? items[Index0 - 1] : JinjaUndefined.Instance,
        "nextitem" => Index0 + 1 < items.Count ? items[Index0 + 1] : JinjaUndefined.Instance,
        "cycle" => new JinjaCallable("loop.cycle", (args, _) => args.Count == 0 ? JinjaUndefined.Instance : args[Index0 % args.Count]),
        _ => JinjaUndefined.Instance,
    };
}
