using LlamaOrch.Core.Engines;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Upstreams;

namespace LlamaOrch.Engines.Tests.Upstreams;

/// <summary>Each upstream's connection pool is bounded (<c>MaxConnections</c>): a request beyond the bound waits for a free connection.</summary>
public sealed class ConnectionBoundTests
{
    [Fact]
    public async Task Requests_beyond_max_connections_wait_for_one_to_come_free()
    {
        await using var standIn = await TgiStandIn.StartAsync();
        standIn.Mode = StandInBehaviour.Stalls;
        var upstream = new UpstreamConfig(standIn.Url, UpstreamProtocol.Tgi) { MaxConnections = 2 };
        using var http = UpstreamHttp.Create(upstream, slots: 8); // the bound, not the slots, decides
        var client = UpstreamEngines.For(upstream, http, http);

        var cancels = Enumerable.Range(0, 3).Select(_ => new CancellationTokenSource()).ToArray();
        Task Stream(int index) => Task.Run(async () =>
        {
            await foreach (var _ in client.StreamCompletionAsync(new EngineCompletionRequest("Once", 8, 7, SamplingProfile.V1, false, "c1"), cancels[index].Token))
            {
            }
        });

        var streams = new List<Task> { Stream(0), Stream(1) };
        await WaitForAsync(() => standIn.Stalled == 2);
        streams.Add(Stream(2));
        // The third waits for a connection: it has not reached the server a while later. (This can only pass wrongly
        // on a very slow machine, never fail wrongly: without the bound it would arrive at once.)
        await Task.Delay(500);
        Assert.Equal(2, standIn.Stalled);
        Assert.Equal(2, standIn.Bodies.Count);
        // It gets one once one of the first two is closed.
        await cancels[0].CancelAsync();
        await WaitForAsync(() => standIn.Stalled == 3);

        foreach (var cancel in cancels) await cancel.CancelAsync();
        foreach (var stream in streams) await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream);
        foreach (var cancel in cancels) cancel.Dispose();
    }

    private static Task WaitForAsync(Func<bool> condition) => Task.Run(async () =>
    {
        while (!condition()) await Task.Delay(10);
    }).WaitAsync(TimeSpan.FromSeconds(30));
}
