using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Client.Tests;

/// <summary>
/// What the client does when the network or the server pushes back, against a real orchestratord: streams cut
/// mid-way, an admission answer lost, the caller cancelling, a queue too small for the load.
/// </summary>
public sealed class ResilienceTests(SimServer server) : IClassFixture<SimServer>
{
    [Fact]
    public async Task A_stream_cut_mid_way_is_read_again_and_every_token_arrives_once()
    {
        await using var proxy = new CuttingProxy(server.Orchestrator.Address);
        proxy.CutStreams(tokens: 5, times: 2);
        using var client = server.Client(proxy.Address);
        var run = client.RunTask(new TaskRequestBody { ModelRef = SimServer.Slow, Prompt = "Once upon a time", MaxTokens = 40 });

        var indices = new List<int>();
        var text = new System.Text.StringBuilder();
        var started = 0;
        var ends = 0;
        await foreach (var frame in run)
        {
            switch (frame)
            {
                case TaskEvent.Token token: indices.Add(token.Index); text.Append(token.Text); break;
                case TaskEvent.Started: started++; break;
                case TaskEvent.End: ends++; break;
            }
        }

        Assert.Equal(2, proxy.Cuts);
        Assert.True(run.Reconnects >= 2, $"reconnects: {run.Reconnects}");
        Assert.Equal(Enumerable.Range(0, 40), indices);
        Assert.Equal(1, started);
        Assert.Equal(1, ends);
        // The same text as one uninterrupted read of the task's stream.
        var whole = await server.Orchestrator.StreamAsync(run.TaskId);
        Assert.Equal(string.Concat(whole.Where(f => f.Event == "token").Select(f => f.Str("t"))), text.ToString());
    }

    [Theory]
    [InlineData(false)] // silent before the answer's headers
    [InlineData(true)] // silent after them: the stream's response began, then nothing, not even a keep-alive
    public async Task A_server_that_goes_silent_is_a_dropped_stream_read_again_and_then_given_up_on(bool answerHeaders)
    {
        // A server frozen (SIGSTOP) or cut off by a network that keeps the connection open: it accepts, then sends nothing more.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var connections = 0;
        var held = new List<System.Net.Sockets.TcpClient>();
        var accepting = Task.Run(async () =>
        {
            while (true)
            {
                var connection = await listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref connections);
                held.Add(connection);
                if (answerHeaders)
                    await connection.GetStream().WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray());
            }
        });
        var address = new Uri($"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/");
        using var client = new LlamaOrchClient(new LlamaOrchClientOptions
        {
            BaseAddress = address,
            StreamIdleTimeout = TimeSpan.FromMilliseconds(300),
            MaxStreamReconnects = 2,
        });

        var interrupted = await Assert.ThrowsAsync<TaskStreamInterruptedException>(async () =>
        {
            await foreach (var _ in client.StreamTask("11111111-2222-3333-4444-555555555555")) { }
        });

        Assert.Equal(3, Volatile.Read(ref connections)); // the first read and two more, each given up on when silent
        Assert.Contains("11111111-2222-3333-4444-555555555555", interrupted.Message);
        listener.Stop();
        foreach (var connection in held) connection.Dispose();
    }

    [Fact]
    public async Task A_submission_whose_answer_was_lost_is_retried_with_the_same_task_id_and_makes_one_task()
    {
        await using var proxy = new CuttingProxy(server.Orchestrator.Address);
        proxy.DropSubmitAnswers(1);
        using var client = server.Client(proxy.Address);
        var before = await server.AdmittedAsync("slow");

        var submitted = (await client.SubmitTaskAsync(new TaskRequestBody { ModelRef = SimServer.Slow, Prompt = "hi", MaxTokens = 3 })).Value;

        Assert.Equal(1, proxy.Cuts);
        Assert.True(submitted.RecoveredAfterLostAnswer);
        Assert.Equal(2, submitted.Attempts);
        var result = await client.StreamTask(submitted.TaskId).CollectAsync();
        Assert.True(result.Succeeded);
        Assert.Equal(3, result.Tokens);
        Assert.Equal(before + 1, await server.AdmittedAsync("slow"));
    }

    [Fact]
    public async Task Cancelling_the_callers_token_while_streaming_cancels_the_task_on_the_server()
    {
        using var client = server.Client();
        var run = client.RunTask(new TaskRequestBody { ModelRef = SimServer.Slow, Prompt = "a long story", MaxTokens = 400 });
        using var cancel = new CancellationTokenSource();
        var tokens = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var frame in run.WithCancellation(cancel.Token))
                if (frame is TaskEvent.Token && ++tokens == 3) await cancel.CancelAsync();
        });

        // The run sent the cancel before it gave up: the task's stream already ends as cancelled.
        var frames = await server.Orchestrator.StreamAsync(run.TaskId);
        Assert.Equal("end", frames[^1].Event);
        Assert.True(frames[^1].Bool("canceled"));
        Assert.True(frames.Count(f => f.Event == "token") < 400);
    }

    [Fact]
    public async Task Under_429s_from_a_small_queue_every_task_completes_exactly_once_and_the_gate_backs_off()
    {
        using var client = server.Client();
        var derived = await ConcurrencyGate.CreateAsync(client, SimServer.Tiny);
        Assert.Equal(1, derived.Limit); // one ready slot
        Assert.Equal(2, derived.Maximum); // one slot plus a queue of one

        // Start well above what the pool holds, so the server has to push back.
        var gate = new ConcurrencyGate(initialLimit: 6, maximum: 6);
        var before = await server.AdmittedAsync("tiny");
        const int count = 16;
        var runs = Enumerable.Range(0, count)
            .Select(i => client.RunTask(new TaskRequestBody { ModelRef = SimServer.Tiny, Prompt = $"prompt {i}", MaxTokens = 8 }, gate))
            .ToList();
        var results = await Task.WhenAll(runs.Select(r => r.CollectAsync()));

        Assert.All(results, r => Assert.True(r.Succeeded && r.Tokens == 8, $"{r.TaskId}: {r.Error?.Code} {r.Tokens}"));
        Assert.Equal(count, results.Select(r => r.TaskId).Distinct().Count());
        Assert.Equal(before + count, await server.AdmittedAsync("tiny")); // exactly once each, 429s and all
        Assert.True(runs.Sum(r => r.Submission!.BackpressureRetries) > 0);
        Assert.True(gate.Decreases > 0);
        Assert.Equal(0, gate.InFlight);
    }
}
