using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Pools;

/// <summary>
/// What each of a replica's engine slots is doing and what its KV cache holds, as far as this orchestrator sent it
/// there: every task names its slot (<c>id_slot</c>), so the engine's cache follows our choice. A slot keeps its
/// last prompt's KV after the task ends; choosing the slot that already holds the start of a new prompt lets the
/// engine evaluate only the rest. Mutated only under the pool's lock.
/// </summary>
internal sealed class ReplicaSlots
{
    /// <summary>A shared prefix shorter than this share of the new prompt is not worth keeping another slot's cache cold for.</summary>
    private const double MinSharedShare = 0.1;

    private readonly SlotContent[] _slots;
    /// <summary>Busy slots per session: the affinity wait asks on every dispatch pass, so it must not scan the slots.</summary>
    private readonly Dictionary<string, int> _busySessions = new(StringComparer.Ordinal);
    private long _uses;

    public ReplicaSlots(int count)
    {
        _slots = new SlotContent[count];
        for (var i = 0; i < count; i++) _slots[i] = new SlotContent();
    }

    public int Count => _slots.Length;

    /// <summary>
    /// Picks a free slot for <paramref name="task"/> and marks it busy, or -1 when none is free. In order: the slot
    /// holding the task's session; the slot whose last prompt shares the longest start with this one (agents with
    /// one long system prompt), when that is at least a tenth of it; else the slot used longest ago, which keeps the
    /// caches of recent sessions longest. A <see cref="KvHint.Cold"/> task takes the one used longest ago.
    /// </summary>
    public (int Slot, SlotWarmth Warmth) Take(OrchestratedTask task)
    {
        var spec = task.Spec;
        var cold = spec.KvHint == KvHint.Cold;
        var prompt = spec.Prompt ?? string.Empty;
        int best = -1, oldest = -1, bestShared = 0;
        var warmth = SlotWarmth.Cold;
        for (var i = 0; i < _slots.Length; i++)
        {
            var slot = _slots[i];
            if (slot.Busy) continue;
            if (oldest < 0 || slot.LastUse < _slots[oldest].LastUse) oldest = i;
            if (cold) continue;
            if (slot.SessionId == spec.SessionId)
            {
                best = i;
                warmth = SlotWarmth.Session;
                break;
            }

            var shared = SharedStart(slot.Prompt, prompt);
            if (shared > bestShared && shared >= MinSharedShare * prompt.Length)
            {
                best = i;
                bestShared = shared;
                warmth = SlotWarmth.SharedPrefix;
            }
        }

        var chosen = best >= 0 ? best : oldest;
        if (chosen < 0) return (-1, SlotWarmth.Cold);
        var content = _slots[chosen];
        content.Busy = true;
        content.BusyFor = spec.SessionId;
        _busySessions[spec.SessionId] = _busySessions.GetValueOrDefault(spec.SessionId) + 1;
        content.LastUse = ++_uses;
        // From now on the slot's cache is this task's prompt (what it shares with the last one is kept by the engine).
        content.SessionId = spec.SessionId;
        content.Prompt = prompt;
        return (chosen, best >= 0 ? warmth : SlotWarmth.Cold);
    }

    public void Release(int slot)
    {
        var content = _slots[slot];
        if (!content.Busy) return;
        content.Busy = false;
        var session = content.BusyFor!;
        content.BusyFor = null;
        if (_busySessions[session] == 1) _busySessions.Remove(session);
        else _busySessions[session]--;
    }

    /// <summary>Whether a slot is busy with a task of <paramref name="sessionId"/> (its running turn, whose KV it then holds).</summary>
    public bool BusyWith(string sessionId) => _busySessions.ContainsKey(sessionId);

    /// <summary>Whether <paramref name="slot"/>'s cache still holds <paramref name="sessionId"/>'s last turn.</summary>
    public bool Holds(int slot, string sessionId) => slot < _slots.Length && _slots[slot].SessionId == sessionId;

    /// <summary>The slot's cache was erased, or the engine restarted with empty caches.</summary>
    public void Forget(int slot)
    {
        _slots[slot].SessionId = null;
        _slots[slot].Prompt = null;
    }

    public void ForgetAll()
    {
        for (var i = 0; i < _slots.Length; i++) Forget(i);
    }

    private static int SharedStart(string? cached, string prompt)
    {
        if (cached is null) return 0;
        return cached.AsSpan().CommonPrefixLength(prompt);
    }

    private sealed class SlotContent
    {
        public bool Busy { get; set; }

        /// <summary>The session of the task running in it, while busy.</summary>
        public string? BusyFor { get; set; }

        public long LastUse { get; set; }

        /// <summary>The session whose prompt the cache holds; null when empty.</summary>
        public string? SessionId { get; set; }

        public string? Prompt { get; set; }
    }
}

/// <summary>Why a task went to its slot: the cache held its session, or a prompt that starts as its does, or neither.</summary>
internal enum SlotWarmth { Cold, Session, SharedPrefix }
