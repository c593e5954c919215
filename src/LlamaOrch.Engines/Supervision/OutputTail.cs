namespace LlamaOrch.Engines.Supervision;

/// <summary>The last lines an engine printed, to explain why it died.</summary>
internal sealed class OutputTail(int capacity)
{
    private readonly Queue<string> _lines = new();

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Enqueue(line);
            while (_lines.Count > capacity) _lines.Dequeue();
        }
    }

    /// <summary>The most recent non-empty line, which is usually the error.</summary>
    public string? Last()
    {
        lock (_lines) return _lines.LastOrDefault(l => !string.IsNullOrWhiteSpace(l));
    }
}
