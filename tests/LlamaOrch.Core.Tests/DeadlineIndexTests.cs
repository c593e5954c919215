using LlamaOrch.Core.Scheduling;

namespace LlamaOrch.Core.Tests;

public sealed class DeadlineIndexTests
{
    [Fact]
    public void Takes_the_due_handles_soonest_first_and_leaves_the_rest()
    {
        var list = new LinkedList<string>();
        var index = new DeadlineIndex<string>();
        index.Add(list.AddLast("late"), 30, list.Count);
        index.Add(list.AddLast("soon"), 10, list.Count);
        index.Add(list.AddLast("middle"), 20, list.Count);

        var due = new List<LinkedListNode<string>>();
        index.TakeDue(9, due);
        Assert.Empty(due);
        index.TakeDue(20, due);

        Assert.Equal(["soon", "middle"], due.Select(n => n.Value));
        Assert.Equal(1, index.Count);
    }

    [Fact]
    public void A_handle_that_left_its_list_is_never_taken()
    {
        var list = new LinkedList<string>();
        var index = new DeadlineIndex<string>();
        var dispatched = list.AddLast("dispatched");
        index.Add(dispatched, 10, list.Count);
        index.Add(list.AddLast("queued"), 10, list.Count);
        list.Remove(dispatched);

        var due = new List<LinkedListNode<string>>();
        index.TakeDue(10, due);

        Assert.Equal(["queued"], due.Select(n => n.Value));
        Assert.Equal(0, index.Count);
    }

    [Fact]
    public void Entries_of_items_that_left_are_compacted_so_the_index_stays_in_proportion_to_the_queue()
    {
        var list = new LinkedList<int>();
        var index = new DeadlineIndex<int>();
        // A long-lived queue of 10 to 11 items where every item leaves long before its far deadline (dispatched, cancelled).
        const int mostQueued = 11;
        for (var i = 0; i < 10_000; i++)
        {
            index.Add(list.AddLast(i), long.MaxValue, list.Count);
            if (list.Count == mostQueued) list.RemoveFirst();
            Assert.True(index.Count <= 2 * mostQueued + 64 + 1, $"{index.Count} entries for at most {mostQueued} queued after {i + 1} additions");
        }

        // Compaction kept every item still queued.
        var due = new List<LinkedListNode<int>>();
        index.TakeDue(long.MaxValue, due);
        Assert.Equal(list.Select(i => i).Order(), due.Select(n => n.Value).Order());
    }
}
