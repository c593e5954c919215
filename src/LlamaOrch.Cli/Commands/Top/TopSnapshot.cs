using LlamaOrch.Contracts.Control;
using LlamaOrch.Contracts.Devices;

namespace LlamaOrch.Cli.Commands;

/// <summary>What <c>llorch top</c> shows in one frame, read from the API at <see cref="TakenAt"/>.</summary>
internal sealed record TopSnapshot(
    DateTimeOffset TakenAt, string ApiVersion, IReadOnlyList<TopPool> Pools, IReadOnlyList<ReplicaSetEntry> Replicas, IReadOnlyList<DeviceInfo> Devices);

/// <summary>One pool: its health, queue depths by priority, and the tokens it produced per second since the last frame.</summary>
/// <param name="TokensPerSecond">From <c>tokens_out_total</c> between two frames; null on the first.</param>
/// <param name="TokensOutTotal">The counter itself, for the next frame's rate.</param>
internal sealed record TopPool(
    string PoolId, string Model, string Engine, bool Ready, bool Draining, int ReplicasReady, int ReplicasTotal, int BusySlots, int ReadySlots,
    int QueueInteractive, int QueueBatch, int QueueCapacity, double? TokensPerSecond, double TokensOutTotal);
