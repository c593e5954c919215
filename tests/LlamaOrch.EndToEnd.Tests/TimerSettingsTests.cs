using LlamaOrch.Server.Configuration;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>
/// A setting that a timer waits on cannot be longer than a timer waits (49.7 days): it stops the start naming the key,
/// where it used to start and then fail at its first use (a reload answered 500 and stayed stuck; the host crashed).
/// </summary>
public sealed class TimerSettingsTests
{
    [Theory]
    [InlineData("Supervisor:ReloadTimeoutSeconds")]
    [InlineData("Supervisor:StartTimeoutSeconds")]
    [InlineData("Devices:RefreshSeconds")]
    [InlineData("Tasks:ShutdownGraceSeconds")]
    [InlineData("Tasks:KeepAliveSeconds")]
    public async Task A_wait_longer_than_a_timer_can_wait_stops_the_start_naming_the_key(string key)
    {
        var error = await Assert.ThrowsAsync<ConfigurationException>(() => Orchestrator.StartAsync(false,
            [.. Orchestrator.Pool(FastPoolFixture.Model), $"{key}=4294968"]));

        Assert.Contains($"Orchestrator:{key} must be at most 42949", error.Message, StringComparison.Ordinal);
    }
}
