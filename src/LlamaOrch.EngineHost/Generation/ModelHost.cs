namespace LlamaOrch.EngineHost.Generation;

/// <summary>
/// Holds the model once it is loaded. The engine listens before it loads so that the supervisor can tell a
/// loading engine (503 on every endpoint) from a dead one.
/// </summary>
internal sealed class ModelHost
{
    private IEngineModel? _model;

    public bool IsLoaded => Volatile.Read(ref _model) is not null;

    /// <summary>The loaded model; only endpoints behind the loading gate may ask.</summary>
    public IEngineModel Model =>
        Volatile.Read(ref _model) ?? throw new InvalidOperationException("The model is not loaded yet.");

    public void SetLoaded(IEngineModel model) => Volatile.Write(ref _model, model);
}
