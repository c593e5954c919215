namespace LlamaOrch.Cli.Commands;

/// <summary>
/// Ctrl-C while a turn runs on a terminal: the terminal is told to pass Ctrl-C as a key instead of a signal
/// (<see cref="Console.TreatControlCAsInput"/>), so the first press cancels only the turn (on the server too) and a
/// second press before the turn has ended quits. At the prompt Ctrl-C is a signal again and quits. Without a terminal
/// (stdin piped) nothing is watched: a SIGINT cancels the whole command through its token.
/// </summary>
internal sealed class TurnInterrupt : IAsyncDisposable
{
    private readonly CancellationTokenSource _turn;
    private readonly CancellationTokenSource _stop = new();
    private readonly Action _quit;
    private readonly Task _watcher;
    private readonly bool _watching;

    private TurnInterrupt(CancellationToken command, Action quit)
    {
        _turn = CancellationTokenSource.CreateLinkedTokenSource(command);
        _quit = quit;
        _watching = !Console.IsInputRedirected;
        if (_watching) Console.TreatControlCAsInput = true;
        _watcher = _watching ? Task.Run(WatchAsync) : Task.CompletedTask;
    }

    /// <summary>Cancelled by the first Ctrl-C of this turn (or with the command).</summary>
    public CancellationToken Token => _turn.Token;

    /// <summary>True when Ctrl-C (not the command's own token) cancelled the turn.</summary>
    public bool Pressed { get; private set; }

    /// <summary>Starts watching for the duration of one turn; <paramref name="quit"/> runs on a second Ctrl-C.</summary>
    public static TurnInterrupt Start(CancellationToken command, Action quit) => new(command, quit);

    private async Task WatchAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            if (!Console.KeyAvailable)
            {
                try
                {
                    await Task.Delay(30, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
                continue;
            }
            var key = Console.ReadKey(intercept: true);
            if (key.KeyChar != '\u0003' && !(key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control))) continue;
            if (Pressed)
            {
                _quit();
                return;
            }
            Pressed = true;
            await _turn.CancelAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _watcher;
        if (_watching) Console.TreatControlCAsInput = false;
        _stop.Dispose();
        _turn.Dispose();
    }
}
