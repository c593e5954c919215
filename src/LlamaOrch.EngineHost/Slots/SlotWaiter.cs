namespace LlamaOrch.EngineHost.Slots;

/// <summary>A deferred completion waiting for a slot; receives null if its client gives up first.</summary>
/// <param name="requestedSlot">The slot it asked for, or <see cref="SlotPool.AnySlot"/>.</param>
internal sealed class SlotWaiter(int requestedSlot)
{
    // Continuations run off the releasing thread, which holds the pool's lock.
    public TaskCompletionSource<Slot?> Handover { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool Accepts(Slot slot) => requestedSlot == SlotPool.AnySlot || requestedSlot == slot.Id;
}
