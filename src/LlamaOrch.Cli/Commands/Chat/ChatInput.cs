namespace LlamaOrch.Cli.Commands;

/// <summary>
/// The person's lines: from a terminal with a prompt, or from stdin as piped. Reading runs off the invoking thread
/// so that Ctrl-C at the prompt (System.CommandLine cancels the token) ends the wait at once.
/// </summary>
internal static class ChatInput
{
    /// <summary>The next line, or null at EOF.</summary>
    public static async Task<string?> ReadAsync(CancellationToken cancellationToken)
    {
        if (!Console.IsInputRedirected)
        {
            // With the answers going to a file or a pipe (--json > turns.jsonl), the prompt stays on the terminal.
            var terminal = Console.IsOutputRedirected ? Console.Error : Console.Out;
            await terminal.WriteAsync("> ");
            await terminal.FlushAsync(cancellationToken);
        }
        return await Task.Run(Console.ReadLine, CancellationToken.None).WaitAsync(cancellationToken);
    }
}
