using LlamaOrch.Engines.Devices;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.Server.Hosting;

/// <summary>
/// Probes the devices at start and then periodically (Orchestrator:Devices:RefreshSeconds). A failing per-process
/// query is logged once per distinct error, not every few seconds: it only costs vram_used_bytes its per-process
/// figures, and on a machine where it never works (an old driver, say) it would flood the log.
/// </summary>
internal sealed class DeviceRefreshService(DeviceInventory inventory, OrchestratorSettings settings, TimeProvider time, ILogger<DeviceRefreshService> logger)
    : BackgroundService
{
    private string? _loggedProcessError;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.Devices.RefreshSeconds), time);
        try
        {
            do
            {
                await inventory.RefreshAsync(stoppingToken);
                if (inventory.Current.ProbeError is { } error) logger.LogWarning("Device probe: {Error}; the CPU is the only device", error);
                LogProcessErrorOnce(inventory.Current.ProcessProbeError);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException)
        {
            // Host is stopping.
        }
    }

    private void LogProcessErrorOnce(string? error)
    {
        if (error is not null && error != _loggedProcessError)
            logger.LogWarning("GPU process query: {Error}; vram_used_bytes reports each device's memory.used instead of each engine's own", error);
        _loggedProcessError = error;
    }
}
