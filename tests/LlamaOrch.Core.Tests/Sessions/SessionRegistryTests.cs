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
        Ran(sessions, "s");
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.Equal(60_000, sessions.Find("s")!.TtlMsRemaining);

        Ran(sessions, "s");
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(sessions.Find("s"));

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(sessions.Find("s"));
    }

    [Fact]
    public void A_session_with_an_unfinished_task_is_not_idle_and_its_idle_time_starts_when_the_task_ends()
    {
        var sessions = new SessionRegistry(_time, TimeSpan.FromMinutes(10), capacity: 2);
        var running = sessions.Admitted("long");
        _time.Advance(TimeSpan.FromMinutes(30));
        Ran(sessions, "other"); // the sweep of idle sessions passes the one whose task still runs
        Assert.NotNull(sessions.Find("long"));

        sessions.TaskEnded(running);
        _time.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(sessions.Find("long"));
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(sessions.Find("long"));
    }

    [Fact]
    public async Task A_full_registry_forgets_the_longest_idle_session_and_delete_ends_one()
    {
        var sessions = new SessionRegistry(_time, TimeSpan.FromHours(1), capacity: 2);
        Ran(sessions, "old");
        _time.Advance(TimeSpan.FromSeconds(1));
        Ran(sessions, "recent");
        _time.Advance(TimeSpan.FromSeconds(1));
        Ran(sessions, "old"); // used again: now "recent" is the longest idle

        Ran(sessions, "new");

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
            Ran(sessions, id);
            _time.Advance(TimeSpan.FromSeconds(1));
        }
        Ran(sessions, "b");                                        // a, c, b
        Assert.True(await sessions.DeleteAsync("c", CancellationToken.None)); // a, b (from the middle)
        Ran(sessions, "d");                                        // a, b, d: not full before it
        Assert.All(new[] { "a", "b", "d" }, id => Assert.NotNull(sessions.Find(id)));

        Ran(sessions, "e");                                        // full: a goes
        Assert.Null(sessions.Find("a"));
        Ran(sessions, "f");                                        // then b
        Assert.Null(sessions.Find("b"));
        Assert.True(await sessions.DeleteAsync("f", CancellationToken.None)); // from the newest end
        Ran(sessions, "d");                                        // e, d
        Ran(sessions, "g");                                        // e, d, g
        Ran(sessions, "h");                                        // full: e goes
        Assert.Null(sessions.Find("e"));
        Assert.All(new[] { "d", "g", "h" }, id => Assert.NotNull(sessions.Find(id)));

        // All idle past the ttl: the next new session finds every one of them gone, the chain empty behind it.
        _time.Advance(TimeSpan.FromHours(1));
        Ran(sessions, "i");
        Ran(sessions, "j");
        Assert.All(new[] { "d", "g", "h" }, id => Assert.Null(sessions.Find(id)));
        Assert.NotNull(sessions.Find("i"));
        Assert.NotNull(sessions.Find("j"));
    }

    /// <summary>A task of the session was admitted and has ended.</summary>
    private static void Ran(SessionRegistry sessions, string id) => sessions.TaskEnded(sessions.Admitted(id));
}
