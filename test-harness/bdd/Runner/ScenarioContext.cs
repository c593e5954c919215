namespace LlamaOrch.Bdd.Runner;

/// <summary>
/// What the steps of one scenario share: objects made once per scenario (step classes, the scenario's
/// state) and the run-wide ones the runner was given (the target orchestratord). Disposed after the scenario.
/// </summary>
internal sealed class ScenarioContext(IReadOnlyDictionary<Type, object> shared) : IAsyncDisposable
{
    private readonly Dictionary<Type, object> _items = [];

    public string ScenarioName { get; init; } = "";

    /// <summary>
    /// The run-wide object of type <typeparamref name="T"/>, else this scenario's one, made on first use
    /// with a constructor that takes this context or none.
    /// </summary>
    public T Get<T>() where T : class => (T)Get(typeof(T));

    public object Get(Type type)
    {
        if (shared.TryGetValue(type, out var global)) return global;
        if (_items.TryGetValue(type, out var item)) return item;
        var made = type.GetConstructor([typeof(ScenarioContext)]) is { } withContext
            ? withContext.Invoke([this])
            : Activator.CreateInstance(type, nonPublic: true)
              ?? throw new InvalidOperationException($"cannot make {type.Name}");
        _items[type] = made;
        return made;
    }

    public async ValueTask DisposeAsync()
    {
        // Last made, first disposed: a step class goes before the state it was given.
        foreach (var item in _items.Values.Reverse())
        {
            if (item is IAsyncDisposable asyncDisposable) await asyncDisposable.DisposeAsync();
            else if (item is IDisposable disposable) disposable.Dispose();
        }
        _items.Clear();
    }
}
