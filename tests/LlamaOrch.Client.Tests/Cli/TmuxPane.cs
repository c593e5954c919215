using System.Diagnostics;

namespace LlamaOrch.Client.Tests;

/// <summary>
/// A command running in a pseudo-terminal, 120×40, inside a tmux server of its own (a private socket, so nobody
/// else's tmux is touched): keys are sent as a person types them and the screen is read as they see it. The
/// command's exit code is printed as <c>[exit N]</c> and the pane stays, so what it left on screen can be read.
/// </summary>
internal sealed class TmuxPane : IAsyncDisposable
{
    private readonly string _socket = "llorch-test-" + Guid.NewGuid().ToString("N")[..12];
    private string? _socketPath;

    private TmuxPane()
    {
    }

    /// <summary>Starts <paramref name="args"/> (a command and its arguments) in a fresh terminal.</summary>
    public static async Task<TmuxPane> StartAsync(IEnumerable<string> args)
    {
        var pane = new TmuxPane();
        var command = string.Join(' ', args.Select(Quote)) + "; echo \"[exit $?]\"; sleep 600";
        await pane.TmuxAsync("new-session", "-d", "-x", "120", "-y", "40", "-s", "t", command);
        pane._socketPath = (await pane.TmuxAsync("display-message", "-p", "-t", "t", "#{socket_path}")).Trim();
        return pane;
    }

    /// <summary>llorch itself, from its build output.</summary>
    public static Task<TmuxPane> StartLlorchAsync(IEnumerable<string> args) => StartAsync(["dotnet", LiveCli.Dll, .. args]);

    /// <summary>The visible screen, line by line as text.</summary>
    public Task<string> ScreenAsync() => TmuxAsync("capture-pane", "-p", "-t", "t");

    /// <summary>Keys in tmux's names: <c>C-c</c>, <c>q</c>, <c>Enter</c>, or literal text.</summary>
    public Task SendKeysAsync(params string[] keys) => TmuxAsync(["send-keys", "-t", "t", .. keys]);

    /// <summary>Polls the screen until <paramref name="condition"/> holds; returns that screen.</summary>
    public async Task<string> WaitForScreenAsync(Func<string, bool> condition, string what)
    {
        var screen = "";
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        while (!condition(screen = await ScreenAsync()))
        {
            try
            {
                await Task.Delay(100, patience.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"the screen never showed {what}; it shows:\n{screen}");
            }
        }
        return screen;
    }

    private async Task<string> TmuxAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        start.Environment.Remove("TMUX");
        start.Environment.Remove("LLORCH_API_TOKEN");
        start.Environment.Remove("LLORCH_URL");
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"tmux {string.Join(' ', args)}: {await stderr}");
        return await stdout;
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TmuxAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        // tmux leaves its socket file behind.
        if (_socketPath is { Length: > 0 } path) File.Delete(path);
    }
}
