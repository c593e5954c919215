using LlamaOrch.Core.Sessions;
using Microsoft.Extensions.Time.Testing;

namespace LlamaOrch.Core.Tests.Sessions;

/// <summary>How long sessions last and how many are kept.</summary>
public sealed class SessionRegistryTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void A_session_ends_after_its_idle_ttl_and_each_task_starts_the_ttl_again()
    {
        var sessions = new SessionRegistry(_time, TimeSpan.FromMinutes(10));
        sessions.Admitted("s");
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(60_000, sessions.Find("s")!.TtlMsRemaining);

        sessions.Dispatched("s", "p-r0");
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal("p-r0", sessions.ReplicaOf("s"));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(sessions.Find("s"));
        Assert.Null(sessions.ReplicaOf("s"));
    }

    [Fact]
    public async Task A_full_registry_forgets_the_longest_idle_session_and_delete_ends_one()
    {
        var sessions = new SessionRegistry(_time, TimeSpan.FromHours(1), capacity: 2);
        sessions.Admitted("old");
        _time.Advance(TimeSpan.FromSeconds(1));
        sessions.Admitted("recent");
        _time.Advance(TimeSpan.FromSeconds(1));
        sessions.Admitted("old"); // used again: now "recent" is the longest idle

        sessions.Admitted("new");

        Assert.Null(sessions.Find("recent"));
        Assert.NotNull(sessions.Find("old"));
        Assert.True(await sessions.DeleteAsync("new", CancellationToken.None));
        Assert.False(await sessions.DeleteAsync("new", CancellationToken.None));
        Assert.Null(sessions.Find("new"));
    }

    [Fact]
    public async Task Sessions_are_forgotten_in_order_of_last_use_whichever_was_used_or_deleted_in_between()
    {
        var sessions = new SessionRegistry(_time, TimeSpan.FromHours(1), capacity: 3);
        foreach (var id in new[] { "a", "b", "c" })
        {
            sessions.Admitted(id);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        sessions.Admitted("b");                                        // a, c, b
        Assert.True(await sessions.DeleteAsync("c", CancellationToken.None)); // a, b (from the middle)
        sessions.Admitted("d");                                        // a, b, d: not full before it
        Assert.All(new[] { "a", "b", "d" }, id => Assert.NotNull(sessions.Find(id)));

        sessions.Admitted("e");                                        // full: a goes
        Assert.Null(sessions.Find("a"));
        sessions.Admitted("f");                                        // then b
        Assert.Null(sessions.Find("b"));
        Assert.True(await sessions.DeleteAsync("f", CancellationToken.None)); // from the newest end
        sessions.Admitted("d");                                        // e, d
        sessions.Admitted("g");                                        // e, d, g
        sessions.Admitted("h");                                        // full: e goes
        Assert.Null(sessions.Find("e"));
        Assert.All(new[] { "d", "g", "h" }, id => Assert.NotNull(sessions.Find(id)));

        // All idle past the ttl: the next new session finds every one of them gone, the chain empty behind it.
        _time.Advance(TimeSpan.FromHours(1));
        sessions.Admitted("i");
        sessions.Admitted("j");
        Assert.All(new[] { "d", "g", "h" }, id => Assert.Null(sessions.Find(id)));
        Assert.NotNull(sessions.Find("i"));
        Assert.NotNull(sessions.Find("j"));
    }
}
