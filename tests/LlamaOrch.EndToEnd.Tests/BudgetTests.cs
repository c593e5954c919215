using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LlamaOrch.EndToEnd.Tests;

/// <summary>Per-session budgets and the session turn limit, on a real orchestratord with a sim pool.</summary>
public sealed class BudgetTests
{
    private const string Fast = "sim:fast?tps=2000";
    private const string Slow = "sim:slow?tps=20";

    [Fact]
    public async Task Fifty_concurrent_tasks_of_one_session_are_charged_exactly_what_their_streams_end_with()
    {
        const int budget = 300;
        const int maxTokens = 8;
        await using var orchestrator = await Orchestrator.StartAsync(
            [.. Orchestrator.Pool(Fast, slots: 4, capacity: 64), "Budgets:Mode=enforce", $"Budgets:Tokens={budget}"]);
        var session = Guid.NewGuid().ToString();

        var submissions = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            var body = Orchestrator.Task(Fast, maxTokens: maxTokens);
            body["session_id"] = session;
            using var response = await orchestrator.SubmitAsync(body);
            var json = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
            var frames = response.StatusCode == HttpStatusCode.Accepted ? await orchestrator.StreamAsync(json["task_id"]!.GetValue<string>()) : null;
            return (response.StatusCode, Json: json, Frames: frames, Remaining: response.Headers.TryGetValues("X-Budget-Tokens-Remaining", out var left) ? left.Single() : null);
        }));

        var admitted = submissions.Where(s => s.StatusCode == HttpStatusCode.Accepted).ToList();
        var refused = submissions.Where(s => s.StatusCode != HttpStatusCode.Accepted).ToList();
        Assert.NotEmpty(admitted);
        Assert.NotEmpty(refused); // 50 tasks of at least 9 tokens each cannot fit 300
        Assert.All(admitted, a => Assert.NotNull(a.Remaining));
        Assert.All(refused, r =>
        {
            Assert.Equal(HttpStatusCode.Forbidden, r.StatusCode);
            Assert.Equal("BUDGET_EXCEEDED", r.Json["code"]!.GetValue<string>());
            Assert.Equal("budget", r.Json["policy_label"]!.GetValue<string>());
        });
        var ends = admitted.Select(a => a.Frames![^1]).ToList();
        Assert.All(ends, end => Assert.Equal("end", end.Event));
        var streamed = ends.Sum(end => end.Long("tokens_in") + end.Long("tokens_out"));

        var report = (await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}"))!;
        var charged = budget - report["tokens_budget_remaining"]!.GetValue<long>();
        Assert.Equal(streamed, charged);
        Assert.True(charged <= budget + maxTokens, $"charged {charged} of {budget}");
        Assert.Equal("enforce", report["budget_mode"]!.GetValue<string>());
        var scrape = PrometheusExposition.Parse(await orchestrator.Http.GetStringAsync("/metrics"));
        Assert.Equal(charged, scrape.Sum("budget_tokens_charged_total", ("pool_id", "p")));
        Assert.Equal(refused.Count, scrape.Sum("budget_refusals_total", ("pool_id", "p"), ("budget", "tokens")));
        Assert.Equal(0, scrape.Sum("admission_backpressure_events_total")); // a budget is not a full queue
    }

    [Fact]
    public async Task Enforced_budgets_refuse_before_queueing_stop_streams_at_their_share_and_follow_a_put()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Fast, slots: 2), "Budgets:Mode=enforce"]);
        var session = Guid.NewGuid().ToString();

        // A PUT starts the session and answers its report.
        using (var put = await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{session}/budget", new { tokens = 40, cost = 1.5 }))
        {
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            var report = (await put.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.Equal(40, report["tokens_budget_remaining"]!.GetValue<long>());
            Assert.Equal(1.5m, report["cost_budget_remaining"]!.GetValue<decimal>());
            Assert.Null(report["time_budget_remaining_ms"]);
        }

        // "Once upon a time" is reserved as 18 tokens at most: with max_tokens 100 it cannot fit 40.
        var tooBig = Orchestrator.Task(Fast, maxTokens: 100);
        tooBig["session_id"] = session;
        using (var refused = await orchestrator.SubmitAsync(tooBig, "corr-budget"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            var envelope = await Orchestrator.ErrorOf(refused);
            Assert.Equal("BUDGET_EXCEEDED", envelope["code"]!.GetValue<string>());
            Assert.Equal("budget", envelope["policy_label"]!.GetValue<string>());
            Assert.False(envelope["retriable"]!.GetValue<bool>());
            Assert.Equal("corr-budget", envelope["correlation_id"]!.GetValue<string>());
            Assert.False(refused.Headers.Contains("X-Budget-Tokens-Remaining"));
        }
        using (var none = await orchestrator.Http.GetAsync($"/v1/tasks/{tooBig["task_id"]}/stream"))
            Assert.Equal(HttpStatusCode.NotFound, none.StatusCode); // never queued

        // Without max_tokens the task takes the rest (40 − 18 = 22 tokens) as its engine limit, and is stopped there.
        var open = Orchestrator.Task(Fast);
        open.Remove("max_tokens");
        open["session_id"] = session;
        using var admitted = await orchestrator.SubmitAsync(open);
        Assert.Equal(HttpStatusCode.Accepted, admitted.StatusCode);
        Assert.Equal("0", admitted.Headers.GetValues("X-Budget-Tokens-Remaining").Single());
        Assert.Equal("1.5", admitted.Headers.GetValues("X-Budget-Cost-Remaining").Single());
        Assert.False(admitted.Headers.Contains("X-Budget-Time-Remaining-Ms"));
        var frames = await orchestrator.StreamAsync(open["task_id"]!.GetValue<string>());
        var error = frames[^1];
        Assert.Equal("error", error.Event);
        Assert.Equal("BUDGET_EXCEEDED", error.Str("code"));
        Assert.Equal("budget", error.Str("policy_label"));
        Assert.Equal(22, error.Int("tokens_out"));
        Assert.Equal(22, frames.Count(f => f.Event == "token"));
        Assert.Equal(0, (await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}"))!["turns"]!.GetValue<int>()); // stopped, not finished
        Assert.Contains(frames, f => f.Event == "metrics" && f.Data.TryGetProperty("tokens_budget_remaining", out _));
        var left = (await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}"))!["tokens_budget_remaining"]!.GetValue<long>();
        Assert.Equal(40 - 22 - error.Int("tokens_in"), left);

        // A PUT raises it, and the same task fits.
        tooBig["task_id"] = Guid.NewGuid().ToString();
        (await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{session}/budget", new { tokens = 1000 })).Dispose();
        using (var fits = await orchestrator.SubmitAsync(tooBig))
            Assert.Equal(HttpStatusCode.Accepted, fits.StatusCode);
        using (var negative = await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{session}/budget", new { tokens = -1 }))
            Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        // A misspelt limit is refused, not read as absent (which would lift it).
        using (var misspelt = await orchestrator.Http.PutAsync($"/v1/sessions/{session}/budget", new StringContent("""{"token": 100}""", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, misspelt.StatusCode);
            Assert.StartsWith("token: is not a field of this body", (await Orchestrator.ErrorOf(misspelt))["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
        // Session ids are uuids, as in tasks: any spelling finds the session, and anything else is refused.
        using (var spelled = await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{session.ToUpperInvariant()}/budget", new { tokens = 1000 }))
            Assert.Equal(HttpStatusCode.OK, spelled.StatusCode);
        using (var notUuid = await orchestrator.Http.PutAsJsonAsync("/v1/sessions/not-a-uuid/budget", new { tokens = 1000 }))
            Assert.Equal(HttpStatusCode.BadRequest, notUuid.StatusCode);
    }

    [Theory]
    [InlineData(20_000)] // a share far past the context: no limit but the context
    [InlineData(80)] // 18 reserved for the prompt leaves a share of 62, which the 64-token context cannot hold after the prompt
    public async Task A_budget_share_the_context_cannot_hold_runs_until_the_context_is_full(int tokens)
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Fast, ctx: 64), "Budgets:Mode=enforce"]);
        var session = Guid.NewGuid().ToString();
        (await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{session}/budget", new { tokens })).Dispose();
        var open = Orchestrator.Task(Fast, ctx: 64);
        open.Remove("max_tokens");
        open["session_id"] = session;

        var frames = await orchestrator.StreamAsync((await orchestrator.AdmitAsync(open))["task_id"]!.GetValue<string>());

        // Not the engine's 400 for a limit past its context: the run fills the context, which the budget affords.
        var end = frames[^1];
        Assert.Equal("end", end.Event);
        Assert.Equal("limit", end.Str("stop_reason"));
        Assert.Equal(64, end.Int("tokens_in") + end.Int("tokens_out"));
        var left = (await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}"))!["tokens_budget_remaining"]!.GetValue<long>();
        Assert.Equal(tokens - 64, left);
    }

    [Fact]
    public async Task A_time_budget_longer_than_a_timer_can_wait_lets_the_task_run()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Fast), "Budgets:Mode=enforce"]);
        var session = Guid.NewGuid().ToString();
        // 58 days: past the 49.7 days a timer can wait.
        (await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{session}/budget", new { time_ms = 5_000_000_000L })).Dispose();
        var task = Orchestrator.Task(Fast, maxTokens: 4);
        task["session_id"] = session;

        var end = (await orchestrator.StreamAsync((await orchestrator.AdmitAsync(task))["task_id"]!.GetValue<string>()))[^1];

        Assert.Equal("end", end.Event);
        Assert.Equal(4, end.Int("tokens_out"));
    }

    [Fact]
    public async Task A_session_deleted_while_its_first_turn_runs_stays_ended()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Slow), "Budgets:Mode=enforce"]);
        var session = Guid.NewGuid().ToString();
        (await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{session}/budget", new { tokens = 1000 })).Dispose();
        var task = Orchestrator.Task(Slow, maxTokens: 20);
        task["session_id"] = session;
        var id = (await orchestrator.AdmitAsync(task))["task_id"]!.GetValue<string>();

        var frames = new List<SseFrame>();
        await foreach (var frame in orchestrator.FollowAsync(id))
        {
            frames.Add(frame);
            if (frame.Event == "token" && frame.Int("i") == 0)
                using (var deleted = await orchestrator.Http.DeleteAsync($"/v1/sessions/{session}"))
                    Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        Assert.Equal("end", frames[^1].Event);
        // The turn's end does not bring the session back (with a fresh budget and the turn counted).
        using var after = await orchestrator.Http.GetAsync($"/v1/sessions/{session}");
        Assert.Equal(HttpStatusCode.NotFound, after.StatusCode);
    }

    [Fact]
    public async Task A_session_whose_task_still_runs_does_not_idle_out_and_keeps_its_budget()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Slow), "Budgets:Mode=enforce", "Sessions:IdleTtlSeconds=1"]);
        var session = Guid.NewGuid().ToString();
        (await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{session}/budget", new { tokens = 100 })).Dispose();
        // Without max_tokens it reserves all 100 tokens, and runs about 4 s at 20 tokens a second.
        var open = Orchestrator.Task(Slow);
        open.Remove("max_tokens");
        open["session_id"] = session;
        var running = (await orchestrator.AdmitAsync(open))["task_id"]!.GetValue<string>();
        await foreach (var frame in orchestrator.FollowAsync(running))
            if (frame.Event == "token") break;

        await Task.Delay(TimeSpan.FromSeconds(1.5)); // longer than the idle time, while the task runs
        using (var report = await orchestrator.Http.GetAsync($"/v1/sessions/{session}"))
            Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var next = Orchestrator.Task(Slow, maxTokens: 2);
        next["session_id"] = session;
        using (var refused = await orchestrator.SubmitAsync(next))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode); // the running task still holds the whole budget
            Assert.Equal("BUDGET_EXCEEDED", (await Orchestrator.ErrorOf(refused))["code"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.NoContent, await orchestrator.CancelAsync(running));
    }

    [Fact]
    public async Task A_stream_that_spends_the_time_budget_ends_with_an_error_frame_and_its_partial_counts()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Slow), "Budgets:Mode=enforce", "Budgets:TimeMs=300"]);
        var task = Orchestrator.Task(Slow, maxTokens: 200); // 10 s at 20 tokens/s

        var admitted = await orchestrator.AdmitAsync(task);
        using (var stream = await orchestrator.Http.GetAsync($"/v1/tasks/{admitted["task_id"]}/stream", HttpCompletionOption.ResponseHeadersRead))
            Assert.True(stream.Headers.Contains("X-Budget-Time-Remaining-Ms"));
        var frames = await orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>());

        var error = frames[^1];
        Assert.Equal("error", error.Event);
        Assert.Equal("BUDGET_EXCEEDED", error.Str("code"));
        Assert.Equal(frames.Count(f => f.Event == "token"), error.Int("tokens_out"));
        Assert.True(error.Int("tokens_in") > 0);
        task["task_id"] = Guid.NewGuid().ToString();
        using var spent = await orchestrator.SubmitAsync(task);
        Assert.Equal(HttpStatusCode.Forbidden, spent.StatusCode);
        Assert.Contains("time budget", (await Orchestrator.ErrorOf(spent))["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task Advisory_budgets_never_refuse_and_report_going_over()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Fast), "Budgets:Mode=advisory", "Budgets:Tokens=10"]);
        var session = Guid.NewGuid().ToString();

        for (var i = 0; i < 3; i++)
        {
            var task = Orchestrator.Task(Fast, maxTokens: 8);
            task["session_id"] = session;
            var admitted = await orchestrator.AdmitAsync(task);
            Assert.Equal("end", (await orchestrator.StreamAsync(admitted["task_id"]!.GetValue<string>()))[^1].Event);
        }

        var report = (await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{session}"))!;
        Assert.Equal("advisory", report["budget_mode"]!.GetValue<string>());
        Assert.True(report["tokens_budget_remaining"]!.GetValue<long>() < 0);
    }

    [Fact]
    public async Task Budgets_off_add_no_headers_and_the_turn_limit_refuses_the_next_turn()
    {
        await using var orchestrator = await Orchestrator.StartAsync([.. Orchestrator.Pool(Fast), "Sessions:MaxTurns=1"]);
        var task = Orchestrator.Task(Fast, maxTokens: 4);

        using (var first = await orchestrator.SubmitAsync(task))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.DoesNotContain(first.Headers, h => h.Key.StartsWith("X-Budget-", StringComparison.Ordinal));
        }
        Assert.Equal("end", (await orchestrator.StreamAsync(task["task_id"]!.GetValue<string>()))[^1].Event);
        var report = (await orchestrator.Http.GetFromJsonAsync<JsonObject>($"/v1/sessions/{task["session_id"]}"))!;
        Assert.Null(report["budget_mode"]);
        Assert.Null(report["tokens_budget_remaining"]);

        task["task_id"] = Guid.NewGuid().ToString();
        using var second = await orchestrator.SubmitAsync(task);
        Assert.Equal(HttpStatusCode.Forbidden, second.StatusCode);
        var envelope = await Orchestrator.ErrorOf(second);
        Assert.Equal("SESSION_TURN_LIMIT", envelope["code"]!.GetValue<string>());
        Assert.Equal("session", envelope["policy_label"]!.GetValue<string>());
        Assert.Contains("new session", envelope["message"]!.GetValue<string>());
        using var put = await orchestrator.Http.PutAsJsonAsync($"/v1/sessions/{task["session_id"]}/budget", new { tokens = 5 });
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
    }
}
