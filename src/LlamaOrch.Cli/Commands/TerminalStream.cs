using LlamaOrch.Client;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Cli.Commands;

/// <summary>A task's text on stdout as it arrives, for a person (run and chat).</summary>
internal static class TerminalStream
{
    /// <summary>Writes tokens as they arrive, then returns the same summary CollectAsync would.</summary>
    public static async Task<TaskResult> WriteAsync(TaskRun run, CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        var tokens = 0;
        StartedFrame? started = null;
        EndFrame? end = null;
        LlamaOrch.Contracts.Errors.ErrorEnvelope? error = null;
        try
        {
            await foreach (var frame in run.WithCancellation(cancellationToken))
            {
                switch (frame)
                {
                    case TaskEvent.Started s: started = s.Frame; break;
                    case TaskEvent.Token t:
                        await Console.Out.WriteAsync(t.Text);
                        await Console.Out.FlushAsync(cancellationToken);
                        text.Append(t.Text);
                        tokens++;
                        break;
                    case TaskEvent.End e: end = e.Frame; break;
                    case TaskEvent.Error e: error = e.Frame; break;
                }
            }
        }
        finally
        {
            // The reply's line ends however the stream does (Ctrl-C included), so what follows, such as
            // "llorch: interrupted", starts a line of its own instead of wrapping after the text.
            await Console.Out.WriteLineAsync();
        }
        return new TaskResult(run.TaskId, text.ToString(), tokens, started, end, error, [], []);
    }
}
