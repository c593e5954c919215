using LlamaOrch.Core.Engines;

namespace LlamaOrch.Core.Pools;

/// <summary>A ready serving replica's engine, with what names it on <c>/metrics</c>.</summary>
public sealed record ReadyEngine(string ReplicaId, string Model, IEngineClient Client);
