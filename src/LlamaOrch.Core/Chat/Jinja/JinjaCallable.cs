namespace LlamaOrch.Core.Chat.Jinja;

/// <summary>A function a template can call: a global (<c>range</c>, <c>raise_exception</c>, …) or one of its macros.</summary>
internal sealed class JinjaCallable(string name, Func<IReadOnlyList<object?>, IReadOnlyDictionary<string, object?>, object?> invoke)
{
    public string Name { get; } = name;

    public object? Invoke(IReadOnlyList<object?> positional, IReadOnlyDictionary<string, object?> named) => invoke(positional, named);
}
