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

    /// <summary>The last few non-empty lines, joined: the error and whatever hint follows it.</summary>
    public string? Last(int count = 3)
    {
        lock (_lines)
        {
            var last = _lines.Where(l => !string.IsNullOrWhiteSpace(l)).TakeLast(count).ToList();
            return last.Count == 0 ? null : string.Join(" | ", last);
        }
    }
}
