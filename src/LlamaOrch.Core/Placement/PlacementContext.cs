using LlamaOrch.Core.Sessions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlamaOrch.Core.Placement;

/// <summary>What placement decisions draw on and report to, shared by admission and every pool's dispatcher.</summary>
internal sealed record PlacementContext(IDeviceAvailability Devices, SessionRegistry Sessions, PlacementCounters Counters, ILogger Logger)
{
    /// <summary>No device inventory and no logging: for tests and tools.</summary>
    public static PlacementContext Detached() =>
        new(NoDeviceAvailability.Instance, new SessionRegistry(TimeProvider.System, SessionDefaults.IdleTtl), new PlacementCounters(), NullLogger.Instance);
}
