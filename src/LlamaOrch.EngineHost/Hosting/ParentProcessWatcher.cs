using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using LlamaOrch.EngineHost.Generation;

namespace LlamaOrch.EngineHost.Hosting;

/// <summary>
/// Stops the engine once the process named by <c>LLORCH_PARENT_PID</c> is gone, so that an orchestrator that
/// dies without stopping its replicas leaves no engine holding a GPU and a port. While the model is still
/// loading it ends the process itself: the load (native, or the sim's wait, which stands in for one) cannot be
/// interrupted, and the main thread would otherwise see the stop only once a load of minutes had finished.
/// </summary>
internal sealed partial class ParentProcessWatcher(
    ParentProcess parent,
    ModelHost model,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<ParentProcessWatcher> logger) : BackgroundService
{
    public const string EnvironmentVariable = "LLORCH_PARENT_PID";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>Reads the variable; an unset one is no parent, a malformed one is an error.</summary>
    public static bool TryReadParentPid(out int? parentPid, [NotNullWhen(false)] out string? error)
    {
        parentPid = null;
        error = null;
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0)
        {
            parentPid = pid;
            return true;
        }

        error = $"environment variable {EnvironmentVariable}='{value}' is not a process id";
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(PollInterval, time);
        try
        {
            while (IsRunning(parent.Pid))
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        ParentGone(logger, parent.Pid);
        if (!model.IsLoaded)
        {
            // Nothing is served before the load ends, so exiting here cuts no request short.
            Environment.Exit(ExitCodes.Success);
        }
        lifetime.StopApplication();
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Parent process {ParentPid} is gone; stopping")]
    private static partial void ParentGone(ILogger logger, int parentPid);
}
