using LlamaOrch.EngineHost.Slots;

namespace LlamaOrch.EngineHost.Tests.Unit;

public sealed class SlotPoolTests
{
    [Fact]
    public async Task Free_slots_are_taken_at_once_lowest_id_first()
    {
        var pool = new SlotPool(2, 128);

        var first = await pool.AcquireAsync(SlotPool.AnySlot, default);
        var second = await pool.AcquireAsync(SlotPool.AnySlot, default);

        Assert.Equal(0, first!.Id);
        Assert.Equal(1, second!.Id);
        Assert.Equal(2, pool.ProcessingCount);
        Assert.Equal(128, first.ContextSize);
    }

    [Fact]
    public async Task When_all_slots_are_busy_requests_wait_in_order_and_get_the_released_slot()
    {
        var pool = new SlotPool(1, 128);
        var held = await pool.AcquireAsync(SlotPool.AnySlot, default);

        var firstWaiter = pool.AcquireAsync(SlotPool.AnySlot, default).AsTask();
        var secondWaiter = pool.AcquireAsync(SlotPool.AnySlot, default).AsTask();
        Assert.False(firstWaiter.IsCompleted);
        Assert.Equal(2, pool.DeferredCount);

        pool.Release(held!);
        var handed = await firstWaiter;

        Assert.Same(held, handed);
        Assert.True(handed!.IsProcessing);
        Assert.False(secondWaiter.IsCompleted);
        Assert.Equal(1, pool.DeferredCount);

        pool.Release(handed);
        Assert.Same(held, await secondWaiter);
        pool.Release(held!);
        Assert.False(held!.IsProcessing);
        Assert.Equal(0, pool.ProcessingCount);
    }

    [Fact]
    public async Task A_request_for_a_given_slot_waits_for_that_slot_only()
    {
        var pool = new SlotPool(2, 128);
        var zero = await pool.AcquireAsync(0, default);
        var one = await pool.AcquireAsync(1, default);

        var wantsOne = pool.AcquireAsync(1, default).AsTask();
        var wantsAny = pool.AcquireAsync(SlotPool.AnySlot, default).AsTask();
        pool.Release(zero!);

        Assert.Same(zero, await wantsAny);
        Assert.False(wantsOne.IsCompleted);

        pool.Release(one!);
        Assert.Same(one, await wantsOne);
    }

    [Fact]
    public async Task A_waiter_that_gives_up_gets_null_and_leaves_the_queue()
    {
        var pool = new SlotPool(1, 128);
        var held = await pool.AcquireAsync(SlotPool.AnySlot, default);
        using var cancellation = new CancellationTokenSource();

        var leaving = pool.AcquireAsync(SlotPool.AnySlot, cancellation.Token).AsTask();
        await cancellation.CancelAsync();

        Assert.Null(await leaving);
        Assert.Equal(0, pool.DeferredCount);
        pool.Release(held!);
        Assert.Equal(0, pool.ProcessingCount);
    }

    [Fact]
    public async Task A_request_already_cancelled_while_slots_are_busy_gets_null()
    {
        var pool = new SlotPool(1, 128);
        await pool.AcquireAsync(SlotPool.AnySlot, default);

        Assert.Null(await pool.AcquireAsync(SlotPool.AnySlot, new CancellationToken(canceled: true)));
        Assert.Equal(0, pool.DeferredCount);
    }
}
