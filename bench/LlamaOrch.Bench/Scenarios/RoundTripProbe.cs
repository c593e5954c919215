using System.Diagnostics;
using LlamaOrch.Bench.Load;

namespace LlamaOrch.Bench.Scenarios;

/// <summary>
/// The floor under every latency in the table: one sequential GET round trip to a server on this machine,
/// through the same client. An added TTFT is best read in multiples of it, since orchestratord's task API
/// takes two requests (submit, then stream) where the engine takes one.
/// </summary>
internal static class RoundTripProbe
{
    private const int Requests = 500;

    public static async Task<double> MedianMsAsync(HttpClient http, Uri address, CancellationToken cancellationToken)
    {
        var samples = new List<double>(Requests);
        for (var index = 0; index < Requests; index++)
        {
            var sent = Stopwatch.GetTimestamp();
            using var response = await http.GetAsync(address, cancellationToken);
            samples.Add(MeasureWindow.Milliseconds(sent, Stopwatch.GetTimestamp()));
        }
        samples.Sort();
        // The first requests open the connection and JIT the path; the median ignores them.
        return Percentiles.Of(samples, 50);
    }
}
