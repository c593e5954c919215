using System.Globalization;
using System.Text;
using LlamaOrch.Engines.Devices;

namespace LlamaOrch.Engines.Placement;

/// <summary>
/// The GPU memory our replicas hold or are about to hold, and the placement of new replicas on it: a replica goes to
/// the allowed GPU with the most memory available, and only when its need fits there, so a card is never
/// oversubscribed however many replicas are placed at once. Thread-safe: every read and change takes one lock, and
/// a placement decides and reserves under it in one step.
/// </summary>
/// <remarks>
/// <para>
/// A probe's used memory mixes other programs' memory with ours, and ours only for engines that had loaded by then.
/// So for each GPU, with the reservations whose engine loaded before the probe as <c>seen</c>:
/// <c>external = max(0, used − seen)</c> is what other programs hold, and
/// <c>available = capacity − external − all reservations</c>. A reservation is counted once whether or not the probe
/// saw it, and an engine that takes more than it reserved shows up as external at the next probe.
/// </para>
/// <para>
/// Capacity is <c>used + free</c>, not the card's total: nvidia-smi's total includes a few hundred MiB the driver
/// keeps for itself, which no process can have. With no reservations, available is exactly nvidia-smi's free.
/// </para>
/// <para>
/// An engine that is loading while a probe runs is counted twice until it is marked loaded and a later probe comes:
/// its partial usage as external and its reservation in full. That errs towards refusing, never towards
/// oversubscribing.
/// </para>
/// </remarks>
public sealed class DeviceLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, DeviceReservation> _reservations = new(StringComparer.Ordinal);

    /// <summary>
    /// Picks among the allowed GPUs the one with the most available memory (the lower index on a tie) and, when
    /// <paramref name="needBytes"/> fits there, reserves it for <paramref name="replicaId"/>.
    /// </summary>
    /// <param name="allowedGpuIndices">The GPUs the replica may use; null for every GPU in the snapshot.</param>
    /// <param name="gpuIndex">The chosen GPU; -1 when refused.</param>
    /// <param name="refusal">Empty when placed; otherwise what was needed and what every candidate had.</param>
    /// <exception cref="InvalidOperationException">The replica already holds a reservation.</exception>
    public bool TryPlace(
        string replicaId,
        long needBytes,
        DeviceSnapshot snapshot,
        IReadOnlyList<int>? allowedGpuIndices,
        out int gpuIndex,
        out string refusal) =>
        TryPlace(replicaId, needBytes, ByteSize.Format(needBytes), snapshot, allowedGpuIndices, out gpuIndex, out refusal);

    /// <inheritdoc cref="TryPlace(string, long, DeviceSnapshot, IReadOnlyList{int}?, out int, out string)"/>
    /// <remarks>The refusal spells out the estimate: weights, KV cache, compute and overhead.</remarks>
    public bool TryPlace(
        string replicaId,
        FitEstimate need,
        DeviceSnapshot snapshot,
        IReadOnlyList<int>? allowedGpuIndices,
        out int gpuIndex,
        out string refusal)
    {
        ArgumentNullException.ThrowIfNull(need);
        return TryPlace(replicaId, need.Total, need.Describe(), snapshot, allowedGpuIndices, out gpuIndex, out refusal);
    }

    /// <summary>Records that the replica's engine holds its memory from <paramref name="at"/>; false for an unknown replica.</summary>
    public bool MarkLoaded(string replicaId, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(replicaId);
        lock (_lock)
        {
            if (!_reservations.TryGetValue(replicaId, out var reservation)) return false;
            _reservations[replicaId] = reservation with { LoadedAt = at };
            return true;
        }
    }

    /// <summary>Frees the replica's reservation; false when it held none.</summary>
    public bool Release(string replicaId)
    {
        ArgumentNullException.ThrowIfNull(replicaId);
        lock (_lock) return _reservations.Remove(replicaId);
    }

    /// <summary>Every GPU of the snapshot, in its order, with what is reserved, used by others and available on it.</summary>
    public IReadOnlyList<GpuAvailability> Available(DeviceSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var result = new List<GpuAvailability>(snapshot.Gpus.Count);
        lock (_lock)
        {
            foreach (var gpu in snapshot.Gpus)
            {
                var memory = Measure(gpu, snapshot.ProbedAt);
                result.Add(new GpuAvailability(
                    gpu.Index, gpu.Name, gpu.TotalBytes, Math.Max(0, memory.Available), memory.Reserved, memory.External, ReplicasOnLocked(gpu.Index)));
            }
        }
        return result;
    }

    /// <summary>The replicas holding a reservation on the GPU, in ordinal order.</summary>
    public IReadOnlyList<string> ReplicasOn(int gpuIndex)
    {
        lock (_lock) return ReplicasOnLocked(gpuIndex);
    }

    private bool TryPlace(
        string replicaId,
        long needBytes,
        string needDescription,
        DeviceSnapshot snapshot,
        IReadOnlyList<int>? allowedGpuIndices,
        out int gpuIndex,
        out string refusal)
    {
        ArgumentNullException.ThrowIfNull(replicaId);
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentOutOfRangeException.ThrowIfNegative(needBytes);

        lock (_lock)
        {
            if (_reservations.TryGetValue(replicaId, out var held))
            {
                throw new InvalidOperationException(
                    $"replica '{replicaId}' already holds {ByteSize.Format(held.Bytes)} on GPU {held.GpuIndex}; release it before placing it again");
            }

            var candidates = new List<(GpuDevice Gpu, long Available)>(snapshot.Gpus.Count);
            foreach (var gpu in snapshot.Gpus)
            {
                if (allowedGpuIndices is null || allowedGpuIndices.Contains(gpu.Index))
                    candidates.Add((gpu, Measure(gpu, snapshot.ProbedAt).Available));
            }
            // Most available first, lower index on a tie: the first candidate is the one to try, and the refusal
            // lists them in the same order.
            candidates.Sort((a, b) => a.Available != b.Available ? b.Available.CompareTo(a.Available) : a.Gpu.Index.CompareTo(b.Gpu.Index));

            if (candidates.Count > 0 && candidates[0].Available >= needBytes)
            {
                gpuIndex = candidates[0].Gpu.Index;
                _reservations.Add(replicaId, new DeviceReservation(replicaId, gpuIndex, needBytes, LoadedAt: null));
                refusal = string.Empty;
                return true;
            }

            gpuIndex = -1;
            refusal = Refusal(needBytes, needDescription, snapshot, allowedGpuIndices, candidates);
            return false;
        }
    }

    private (long Available, long Reserved, long External) Measure(GpuDevice gpu, DateTimeOffset probedAt)
    {
        long reserved = 0, seen = 0;
        foreach (var reservation in _reservations.Values)
        {
            if (reservation.GpuIndex != gpu.Index) continue;
            reserved += reservation.Bytes;
            if (reservation.SeenBy(probedAt)) seen += reservation.Bytes;
        }
        var external = Math.Max(0, gpu.UsedBytes - seen);
        var capacity = Math.Min(gpu.TotalBytes, gpu.UsedBytes + gpu.FreeBytes);
        return (capacity - external - reserved, reserved, external);
    }

    private List<string> ReplicasOnLocked(int gpuIndex)
    {
        var ids = new List<string>();
        foreach (var reservation in _reservations.Values)
        {
            if (reservation.GpuIndex == gpuIndex) ids.Add(reservation.ReplicaId);
        }
        ids.Sort(StringComparer.Ordinal);
        return ids;
    }

    private static string Refusal(
        long needBytes,
        string needDescription,
        DeviceSnapshot snapshot,
        IReadOnlyList<int>? allowedGpuIndices,
        List<(GpuDevice Gpu, long Available)> candidates)
    {
        var text = new StringBuilder("needs ").Append(needDescription);
        if (snapshot.Gpus.Count == 0)
        {
            text.Append("; no GPU was found");
            if (snapshot.ProbeError is { } error) text.Append(" (").Append(error).Append(')');
            return text.ToString();
        }

        foreach (var (gpu, available) in candidates)
        {
            text.Append(CultureInfo.InvariantCulture, $"; GPU {gpu.Index} {gpu.Name} has {ByteSize.Format(Math.Max(0, available))} available");
            text.Append(" (").Append(ByteSize.Format(needBytes - Math.Max(0, available))).Append(" short)");
        }

        if (allowedGpuIndices is not null)
        {
            var absent = allowedGpuIndices.Where(i => !snapshot.Gpus.Any(g => g.Index == i)).Distinct().Order().ToList();
            var present = string.Join(", ", snapshot.Gpus.Select(g => g.Index.ToString(CultureInfo.InvariantCulture)));
            if (allowedGpuIndices.Count == 0)
                text.Append("; no GPU is allowed (the allowed list is empty)");
            else if (absent.Count > 0)
                text.Append(CultureInfo.InvariantCulture, $"; allowed GPU {string.Join(", ", absent)} {(absent.Count == 1 ? "is" : "are")} not among the GPUs found ({present})");
        }
        return text.ToString();
    }
}
