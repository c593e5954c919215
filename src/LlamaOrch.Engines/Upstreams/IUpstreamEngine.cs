using LlamaOrch.Core.Engines;

namespace LlamaOrch.Engines.Upstreams;

/// <summary>An engine adapter as the health watcher of a replica we do not start needs it: health and self-description beside the task calls.</summary>
internal interface IUpstreamEngine : IEngineClient
{
    Uri BaseAddress { get; }

    /// <summary>True when the server says it can take requests now; false (not an exception) when it cannot be reached.</summary>
    Task<bool> IsHealthyAsync(CancellationToken cancellationToken);

    /// <summary>What it reports about itself; <paramref name="configuredCtx"/> and <paramref name="configuredSlots"/> where it does not say.</summary>
    Task<EngineFacts> GetFactsAsync(int configuredCtx, int configuredSlots, CancellationToken cancellationToken);
}
