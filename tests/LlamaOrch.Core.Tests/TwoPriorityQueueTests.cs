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

    private static List<string> Drain(TwoPriorityQueue<string> queue)
    {
        var items = new List<string>();
        while (queue.FirstMatching(_ => true) is { } next)
        {
            items.Add(next.Value);
            queue.Remove(next);
        }
        return items;
    }
}
