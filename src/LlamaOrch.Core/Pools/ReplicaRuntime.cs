using LlamaOrch.Core.Engines;

namespace LlamaOrch.Core.Pools;

/// <summary>The live state of one replica; mutated only under its pool's lock.</summary>
internal sealed class ReplicaRuntime(string id, int slots)
{
    public string Id { get; } = id;

    public int Slots { get; } = slots;

    public bool Ready { get; set; }

    /// <summary>An engine process is being started for it (between a start and ready or down).</summary>
    public bool Starting { get; set; }

    public int Busy { get; set; }

    public IEngineClient? Client { get; set; }

    public EngineFacts? Facts { get; set; }

    public int FreeSlots => Ready ? Math.Max(Slots - Busy, 0) : 0;
}
