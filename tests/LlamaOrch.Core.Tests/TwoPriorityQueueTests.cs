using LlamaOrch.Core.Scheduling;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

public sealed class TwoPriorityQueueTests
{
    [Fact]
    public void Dequeues_interactive_before_batch_and_fifo_within_each()
    {
        var queue = new TwoPriorityQueue<string>(10, FullPolicy.Reject);
        queue.TryEnqueue("b1", Priority.Batch);
        queue.TryEnqueue("i1", Priority.Interactive);
        queue.TryEnqueue("b2", Priority.Batch);
        queue.TryEnqueue("i2", Priority.Interactive);

        Assert.Equal(["i1", "i2", "b1", "b2"], Drain(queue));
    }

    [Fact]
    public void Positions_are_zero_based_within_the_priority()
    {
        var queue = new TwoPriorityQueue<string>(10, FullPolicy.Reject);
        Assert.Equal(0, queue.TryEnqueue("b1", Priority.Batch).Position);
        Assert.Equal(0, queue.TryEnqueue("i1", Priority.Interactive).Position);
        Assert.Equal(1, queue.TryEnqueue("b2", Priority.Batch).Position);
        Assert.Equal(1, queue.AheadOf(Priority.Interactive));
        Assert.Equal(3, queue.AheadOf(Priority.Batch));
    }

    [Fact]
    public void Reject_policy_refuses_the_newcomer_when_full()
    {
        var queue = new TwoPriorityQueue<string>(2, FullPolicy.Reject);
        queue.TryEnqueue("b1", Priority.Batch);
        queue.TryEnqueue("b2", Priority.Batch);

        var result = queue.TryEnqueue("i1", Priority.Interactive);

        Assert.False(result.Accepted);
        Assert.Equal(["b1", "b2"], Drain(queue));
    }

    [Fact]
    public void Drop_lru_evicts_the_oldest_batch_task_first()
    {
        var queue = new TwoPriorityQueue<string>(3, FullPolicy.DropLru);
        queue.TryEnqueue("i1", Priority.Interactive);
        queue.TryEnqueue("b1", Priority.Batch);
        queue.TryEnqueue("b2", Priority.Batch);

        var result = queue.TryEnqueue("i2", Priority.Interactive);

        Assert.True(result.Accepted);
        Assert.True(result.HasEvicted);
        Assert.Equal("b1", result.Evicted);
        Assert.Equal(["i1", "i2", "b2"], Drain(queue));
    }

    [Fact]
    public void Drop_lru_lets_interactive_evict_interactive_when_no_batch_is_queued()
    {
        var queue = new TwoPriorityQueue<string>(2, FullPolicy.DropLru);
        queue.TryEnqueue("i1", Priority.Interactive);
        queue.TryEnqueue("i2", Priority.Interactive);

        var result = queue.TryEnqueue("i3", Priority.Interactive);

        Assert.Equal("i1", result.Evicted);
        Assert.Equal(["i2", "i3"], Drain(queue));
    }

    [Fact]
    public void Drop_lru_never_lets_batch_evict_interactive()
    {
        var queue = new TwoPriorityQueue<string>(2, FullPolicy.DropLru);
        queue.TryEnqueue("i1", Priority.Interactive);
        queue.TryEnqueue("i2", Priority.Interactive);

        var result = queue.TryEnqueue("b1", Priority.Batch);

        Assert.False(result.Accepted);
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public void Remove_by_handle_works_once()
    {
        var queue = new TwoPriorityQueue<string>(4, FullPolicy.Reject);
        var first = queue.TryEnqueue("a", Priority.Batch).Node!;
        queue.TryEnqueue("b", Priority.Batch);

        Assert.True(queue.Remove(first));
        Assert.False(queue.Remove(first));
        Assert.Equal(["b"], Drain(queue));
    }

    [Fact]
    public void RemoveWhere_takes_matches_from_both_priorities()
    {
        var queue = new TwoPriorityQueue<string>(8, FullPolicy.Reject);
        foreach (var item in new[] { "x1", "keep1", "x2" }) queue.TryEnqueue(item, Priority.Batch);
        foreach (var item in new[] { "x3", "keep2" }) queue.TryEnqueue(item, Priority.Interactive);

        var removed = queue.RemoveWhere(item => item.StartsWith('x'));

        Assert.Equal(["x3", "x1", "x2"], removed);
        Assert.Equal(["keep2", "keep1"], Drain(queue));
    }

    [Fact]
    public void RemoveDue_takes_only_items_past_their_deadline_from_both_priorities()
    {
        var queue = new TwoPriorityQueue<string>(8, FullPolicy.Reject);
        queue.TryEnqueue("b-late", Priority.Batch, deadline: 200);
        queue.TryEnqueue("b-none", Priority.Batch);
        queue.TryEnqueue("i-soon", Priority.Interactive, deadline: 100);
        queue.EnqueueFirst("i-requeued", Priority.Interactive, deadline: 150);

        Assert.Empty(queue.RemoveDue(99));
        Assert.Equal(["i-soon", "i-requeued"], queue.RemoveDue(150));
        Assert.Equal(["b-late"], queue.RemoveDue(long.MaxValue));
        Assert.Equal(["b-none"], Drain(queue));
    }

    [Fact]
    public void RemoveDue_skips_items_that_left_the_queue_before_their_deadline()
    {
        var queue = new TwoPriorityQueue<string>(3, FullPolicy.DropLru);
        var dispatched = queue.TryEnqueue("dispatched", Priority.Interactive, deadline: 10).Node!;
        queue.TryEnqueue("evicted", Priority.Batch, deadline: 10);
        queue.TryEnqueue("kept", Priority.Batch, deadline: 10);
        Assert.Equal("evicted", queue.TryEnqueue("newcomer", Priority.Batch).Evicted);
        queue.Remove(dispatched);

        Assert.Equal(["kept"], queue.RemoveDue(10));
        Assert.Equal(["newcomer"], Drain(queue));
    }

    [Fact]
    public void A_walk_in_dispatch_order_goes_from_the_last_interactive_to_the_first_batch_and_survives_taking_as_it_goes()
    {
        var queue = new TwoPriorityQueue<string>(8, FullPolicy.Reject);
        foreach (var item in new[] { "b1", "b2", "b3" }) queue.TryEnqueue(item, Priority.Batch);
        foreach (var item in new[] { "i1", "i2" }) queue.TryEnqueue(item, Priority.Interactive);

        var seen = new List<string>();
        for (var node = queue.First; node is not null;)
        {
            var next = queue.NextInDispatchOrder(node);
            seen.Add(node.Value);
            // Take every other item while walking, as a dispatch pass takes the tasks it can start.
            if (seen.Count % 2 == 1) queue.Remove(node);
            node = next;
        }

        Assert.Equal(["i1", "i2", "b1", "b2", "b3"], seen);
        Assert.Equal(["i2", "b2"], Drain(queue));
    }

    private static List<string> Drain(TwoPriorityQueue<string> queue)
    {
        var items = new List<string>();
        while (queue.First is { } next)
        {
            items.Add(next.Value);
            queue.Remove(next);
        }
        return items;
    }
}
