using System.Collections.Concurrent;
using LlamaOrch.EngineHost.Generation;

namespace LlamaOrch.EngineHost.Inference;

/// <summary>
/// Hands what the decode loop produced (tokens, a finished prompt, a sequence's end) to the sequences' readers, in the
/// order it was produced, on one thread-pool thread that the decode thread wakes at most once per step.
/// </summary>
/// <remarks>
/// Waking a thread-pool worker costs the waker a futex call. Completing each sequence's channel from the decode thread
/// cost one such wake per token per stream (a profile at 16 streams put a quarter of the decode thread's own time
/// there), and then the reader's flush woke Kestrel's sender: two hops per token. Here the decode thread only queues,
/// and the readers' continuations run inline on the delivering thread (the channels allow synchronous continuations),
/// so each reader writes its frames there: one hop per step, shared by every stream in it.
/// </remarks>
internal sealed class TokenDelivery : IThreadPoolWorkItem
{
    private readonly ConcurrentQueue<Delivery> _queue = new();
    private int _scheduled;

    public void Token(LlamaSequence sequence, GeneratedToken token) =>
        _queue.Enqueue(new Delivery(sequence, DeliveryKind.Token, token, null));

    public void PromptEvaluated(LlamaSequence sequence) =>
        _queue.Enqueue(new Delivery(sequence, DeliveryKind.PromptEvaluated, default, null));

    public void End(LlamaSequence sequence, Exception? error) =>
        _queue.Enqueue(new Delivery(sequence, DeliveryKind.End, default, error));

    /// <summary>Makes sure a thread delivers what is queued; the decode loop calls it once per step.</summary>
    public void Schedule()
    {
        if (_queue.IsEmpty) return;
        if (Interlocked.Exchange(ref _scheduled, 1) == 0) ThreadPool.UnsafeQueueUserWorkItem(this, preferLocal: false);
    }

    void IThreadPoolWorkItem.Execute()
    {
        while (true)
        {
            while (_queue.TryDequeue(out var delivery)) Deliver(delivery);
            // A full fence between giving up the turn and looking again: an item queued after the drain either is seen
            // here or finds the turn free and schedules a new run.
            Interlocked.Exchange(ref _scheduled, 0);
            if (_queue.IsEmpty || Interlocked.Exchange(ref _scheduled, 1) != 0) return;
        }
    }

    private static void Deliver(in Delivery delivery)
    {
        var sequence = delivery.Sequence;
        switch (delivery.Kind)
        {
            case DeliveryKind.Token:
                sequence.Output.Writer.TryWrite(delivery.Token);
                break;
            case DeliveryKind.PromptEvaluated:
                sequence.PromptEvaluated.TrySetResult();
                break;
            default:
                sequence.Output.Writer.TryComplete(delivery.Error);
                if (delivery.Error is not null) sequence.PromptEvaluated.TrySetException(delivery.Error);
                else sequence.PromptEvaluated.TrySetResult();
                break;
        }
    }

    private enum DeliveryKind : byte
    {
        Token,
        PromptEvaluated,
        End,
    }

    private readonly record struct Delivery(LlamaSequence Sequence, DeliveryKind Kind, GeneratedToken Token, Exception? Error);
}
