namespace LlamaOrch.Cli.Commands;

/// <summary>
/// The conversation as one growing prompt: each turn's prompt is the last turn's prompt, its reply and the new line.
/// The server keeps the session's last turn in one slot's KV cache, so a prompt that starts with everything before it
/// lets the engine evaluate only the new part (docs/sessions-and-budgets.md). A cancelled turn is left out.
/// </summary>
internal sealed class ChatConversation
{
    private string _history = "";

    public int Turns { get; private set; }

    /// <summary>The prompt for the next turn, given the person's line.</summary>
    public string PromptFor(string line) => _history.Length == 0 ? line : _history + "\n" + line;

    /// <summary>A turn finished: its prompt and reply become the start of the next prompt.</summary>
    public void Finished(string prompt, string reply)
    {
        _history = prompt + reply;
        Turns++;
    }
}
