namespace LlamaOrch.Bench.Load;

/// <summary>
/// What one worker observed inside the window. Each worker owns its own, so the per-token path touches no
/// shared counter; a level merges them at the end.
/// </summary>
internal sealed class WorkerStats(MeasureWindow window, int expectedTokens)
{
    public MeasureWindow Window { get; } = window;

    public long TokensInWindow { get; private set; }

    public int AdmissionsInWindow { get; private set; }

    public int CompletedInWindow { get; private set; }

    /// <summary>Completed tasks that delivered fewer or more tokens than max_tokens.</summary>
    public int WrongTokenCount { get; private set; }

    public int Errors { get; private set; }

    public string? FirstError { get; private set; }

    public List<double> TtftMs { get; } = new(256);

    /// <summary>Submission to 202, for tasks submitted in the window: the part of TTFT that admission alone costs.</summary>
    public List<double> AdmitMs { get; } = new(256);

    /// <summary>Tokens that arrived together in one read at <paramref name="timestamp"/>.</summary>
    public void CountTokens(int tokens, long timestamp)
    {
        if (Window.Contains(timestamp)) TokensInWindow += tokens;
    }

    /// <summary>A 202 from orchestratord at <paramref name="admitted"/> for a task posted at <paramref name="submitted"/>.</summary>
    public void CountAdmission(long submitted, long admitted)
    {
        if (Window.Contains(admitted)) AdmissionsInWindow++;
        if (Window.Contains(submitted)) AdmitMs.Add(MeasureWindow.Milliseconds(submitted, admitted));
    }

    /// <summary>A finished task counts when it was submitted inside the window (its TTFT belongs to this load).</summary>
    public void Record(StreamOutcome outcome)
    {
        if (!Window.Contains(outcome.Submitted)) return;
        if (outcome.Error is not null)
        {
            Error(outcome.Error);
            return;
        }
        CompletedInWindow++;
        if (outcome.Tokens != expectedTokens) WrongTokenCount++;
        if (outcome.FirstToken != 0) TtftMs.Add(MeasureWindow.Milliseconds(outcome.Submitted, outcome.FirstToken));
    }

    public void Error(string message)
    {
        Errors++;
        FirstError ??= message;
    }
}
