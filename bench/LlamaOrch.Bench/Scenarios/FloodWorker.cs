using System.Net;
using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>One client's counts; owned by its worker alone.</summary>
internal sealed class FloodWorker(MeasureWindow window)
{
    public MeasureWindow Window { get; } = window;
    public int Rejected { get; private set; }
    public int MissingRetryAfter { get; private set; }
    public string? RetryAfterSample { get; private set; }
    public int Accepted { get; private set; }
    public Dictionary<int, int> Other { get; } = [];
    public int Errors { get; private set; }
    public string? FirstError { get; private set; }
    public List<double> LatencyMs { get; } = new(4096);

    public void Record(long sent, long answered, HttpResponseMessage response)
    {
        if (!Window.Contains(answered)) return;
        LatencyMs.Add(MeasureWindow.Milliseconds(sent, answered));
        switch (response.StatusCode)
        {
            case HttpStatusCode.TooManyRequests:
                Rejected++;
                if (response.Headers.RetryAfter is null) MissingRetryAfter++;
                else RetryAfterSample ??= response.Headers.RetryAfter.ToString();
                break;
            case HttpStatusCode.Accepted:
                Accepted++;
                break;
            default:
                Other[(int)response.StatusCode] = Other.GetValueOrDefault((int)response.StatusCode) + 1;
                break;
        }
    }

    public void Error(string message)
    {
        Errors++;
        FirstError ??= message;
    }
}
