using System.Globalization;
using LlamaOrch.Core.Pools;
using LlamaOrch.Engines.Devices;
using LlamaOrch.EngineProtocol.Gguf;
using LlamaOrch.EngineProtocol.Simulation;
using LlamaOrch.Engines.Placement;

namespace LlamaOrch.Engines.Supervision;

/// <summary>
/// Chooses the device a replica's engine starts on: the CPU, or the allowed GPU with the most available
/// memory that fits the model's estimated need (weights, KV cache for ctx × slots, compute, overhead).
/// The need stays reserved in the <see cref="DeviceLedger"/> until the engine stops, so replicas that
/// start together can never oversubscribe a card. Replicas started together are placed one after the other
/// in the order they were started (configuration order), so the same configuration lands the same way; a
/// GPU replica whose model is still downloading holds back the GPU replicas started after it.
/// </summary>
public sealed class ReplicaPlacer(DeviceInventory inventory, DeviceLedger ledger, TimeProvider time)
{
    private readonly Lock _turnsLock = new();
    private readonly Dictionary<string, (Task Previous, TaskCompletionSource Mine)> _turns = new(StringComparer.Ordinal);
    private Task _lastTurn = Task.CompletedTask;

    /// <summary>Queues the replicas' first placements in this order.</summary>
    internal void TakeTurns(IEnumerable<string> replicaIds)
    {
        lock (_turnsLock)
        {
            foreach (var id in replicaIds)
            {
                var mine = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _turns[id] = (_lastTurn, mine);
                _lastTurn = mine.Task;
            }
        }
    }

    /// <summary>Ends the replica's turn (placed, refused, or never got as far): the next replica may place.</summary>
    internal void EndTurn(string replicaId)
    {
        TaskCompletionSource? mine = null;
        lock (_turnsLock)
        {
            if (_turns.Remove(replicaId, out var turn)) mine = turn.Mine;
        }
        mine?.TrySetResult();
    }

    /// <summary>The device for the replica (<c>"cpu"</c> or a GPU index), or why no device can take it.</summary>
    internal async Task<(string? Device, string? Refusal)> PlaceAsync(ReplicaPlan plan, string modelPath, CancellationToken cancellationToken)
    {
        Task? previous = null;
        lock (_turnsLock)
        {
            if (_turns.TryGetValue(plan.ReplicaId, out var turn)) previous = turn.Previous;
        }
        if (previous is not null) await previous.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await PlaceNowAsync(plan, modelPath, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            EndTurn(plan.ReplicaId);
        }
    }

    private async Task<(string? Device, string? Refusal)> PlaceNowAsync(ReplicaPlan plan, string modelPath, CancellationToken cancellationToken)
    {
        var devices = plan.Config.Devices;
        if (devices.Count == 1 && devices[0] == DevicePlacement.Cpu) return (DevicePlacement.Cpu, null);

        var snapshot = await inventory.CurrentOrProbeAsync(cancellationToken).ConfigureAwait(false);
        var auto = devices.Contains(DevicePlacement.Auto);
        if (auto && snapshot.Gpus.Count == 0) return (DevicePlacement.Cpu, null);

        FitEstimate need;
        try
        {
            // The resolved model: a catalog id has become its file or its sim: ref by now.
            need = SimRef.IsSimRef(modelPath)
                ? FitEstimator.EstimateSim(modelPath)
                : FitEstimator.EstimateFile(modelPath, plan.Config.Ctx, plan.Config.Slots, cancellationToken);
        }
        catch (Exception error) when (error is FitEstimateException or GgufFormatException or IOException or FormatException)
        {
            return (null, $"cannot estimate the memory {plan.Model} needs: {error.Message}");
        }

        IReadOnlyList<int>? allowed = auto ? null : devices.Select(d => int.Parse(d, CultureInfo.InvariantCulture)).ToList();
        ledger.Release(plan.ReplicaId);
        return ledger.TryPlace(plan.ReplicaId, need, snapshot, allowed, out var index, out var refusal)
            ? (index.ToString(CultureInfo.InvariantCulture), null)
            : (null, $"no GPU can hold it: {refusal}");
    }

    /// <summary>The engine holds its memory now, so probes from here on count it as used.</summary>
    internal void Loaded(string replicaId) => ledger.MarkLoaded(replicaId, time.GetUtcNow());

    internal void Release(string replicaId) => ledger.Release(replicaId);
}
