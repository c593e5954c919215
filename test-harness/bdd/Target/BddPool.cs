namespace LlamaOrch.Bdd.Target;

/// <summary>
/// One pool of the runner's orchestratord: its id, the model ref tasks name, slots per replica, queue size, and any
/// further <c>Pools:N:</c> settings (devices, upstreams) as <c>key=value</c> pairs below the pool's own prefix.
/// </summary>
internal sealed record BddPool(string Id, string Model, int Slots, int QueueCapacity, params string[] Settings);
