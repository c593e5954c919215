namespace LlamaOrch.Cli.Commands;

/// <summary>
/// <c>q</c>, <c>Esc</c> or Ctrl-C quits <c>llorch top</c>. On a terminal Ctrl-C is read as a key (the terminal's signal for it
/// is off while top runs, and back on when it ends), so quitting always goes through the same restore of the screen.
/// </summary>
internal sealed class TopKeys : IAsyncDisposable
{
    private readonly CancellationTokenSource _quit;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _watcher;
    private readonly bool _watching;

    public TopKeys(CancellationToken command)
    {
        _quit = CancellationTokenSource.CreateLinkedTokenSource(command);
        _watching = !Console.IsInputRedirected;
        if (_watching) Console.TreatControlCAsInput = true;
        _watcher = _watching ? Task.Run(WatchAsync) : Task.CompletedTask;
    }

    /// <summary>Cancelled when the person quits (or the command is cancelled).</summary>
    public CancellationToken Quit => _quit.Token;

    private async Task WatchAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                if (!Console.KeyAvailable)
                {
                    await Task.Delay(30, _stop.Token);
                    continue;
                }
                var key = Console.ReadKey(intercept: true);
                if (key.KeyChar is 'q' or 'Q' or '\u0003' or '\u001b' || (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control)))
                {
                    await _quit.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watcher;
        if (_watching) Console.TreatControlCAsInput = false;
        _stop.Dispose();
        _quit.Dispose();
    }
}
