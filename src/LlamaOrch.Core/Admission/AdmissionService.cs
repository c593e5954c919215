using System.Text;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// Step 2 of the way of a task: check the model against the catalog (retired, untrusted), find the pools
/// that serve it, let placement pick one, and queue the task there.
/// </summary>
public sealed class AdmissionService(
    PoolRegistry pools, TaskStore tasks, TimeProvider time, PoolPlacement placement, ModelCatalog? catalog = null, AdmissionGate? gate = null)
{
    /// <summary>Begin-of-sequence plus SentencePiece's leading space: tokens a prompt may have beyond its bytes.</summary>
    private const int SpecialTokenAllowance = 2;

    /// <summary>How long admission waits for a token count before leaving the check to the engine.</summary>
    private static readonly TimeSpan TokenCountTimeout = TimeSpan.FromSeconds(5);

    public AdmissionOutcome Submit(TaskSpec spec, string correlationId)
    {
        if (catalog?.AdmissionCheck(spec.ModelRef) is { } untrusted) return Refuse(untrusted);

        var serving = pools.Serving(NamesOf(spec.ModelRef), spec.Engine);
        if (serving.Count == 0) return Refuse(NoPoolFor(spec));

        var choice = placement.Choose(spec, serving);
        if (choice.Pool is not { } chosen) return Refuse(choice.Rejection!);

        var task = new OrchestratedTask(spec, correlationId, chosen, time);
        if (!tasks.TryAdd(task))
            return Refuse(Rejection.InvalidParams("task_id", $"task {spec.TaskId} already exists; stream or cancel it, or submit with a new task_id"));
        // Looked at once the task is stored: a shutdown that closes the gate after this still finds the task and ends it.
        if (gate?.Refusal is { } closed)
        {
            tasks.Remove(task);
            return Refuse(closed);
        }

        var admitted = chosen.Admit(task);
        placement.CountAdmission(spec, choice, queued: admitted.Rejection is null);
        if (admitted.Rejection is not null)
        {
            // A refused task leaves no trace, so the client can retry with the same task_id.
            tasks.Remove(task);
            return Refuse(admitted.Rejection);
        }
        return new AdmissionOutcome(task, admitted.BackoffMs, null);
    }

    /// <summary>
    /// Refuses, before any queueing, a completion whose prompt and <c>max_tokens</c> cannot fit the context of
    /// the pools serving its model. A prompt short enough in UTF-8 bytes certainly fits (a token covers at least
    /// one byte, plus the begin-of-sequence and leading-space tokens) and costs nothing; a longer one is counted
    /// by a ready replica's tokenizer. When no replica can count, the engine checks it after admission.
    /// </summary>
    public async ValueTask<Rejection?> CheckContextFitAsync(TaskSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Workload != Workload.Completion || spec.Prompt is not { Length: > 0 } prompt) return null;
        var mostTokens = (long)Encoding.UTF8.GetByteCount(prompt) + SpecialTokenAllowance + spec.MaxTokens;
        // Placement only picks a pool whose context holds the task's ctx, so within ctx it fits without looking further.
        if (mostTokens <= spec.Ctx) return null;
        var serving = pools.Serving(NamesOf(spec.ModelRef), spec.Engine).Where(p => p.Config.Workloads.Contains(Workload.Completion)).ToList();
        if (serving.Count == 0) return null;
        var ctxMax = serving.Max(p => p.CtxMax);
        if (mostTokens <= ctxMax) return null;
        if (serving.Select(p => p.AnyReadyClient()).FirstOrDefault(c => c is not null) is not { } client) return null;

        int tokens;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TokenCountTimeout);
            tokens = await client.CountTokensAsync(prompt, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure to count (engine gone, slow, odd reply) only defers the check to the engine itself.
            return null;
        }
        return (long)tokens + spec.MaxTokens > ctxMax
            ? Rejection.InvalidParams("prompt", $"{tokens} prompt tokens + max_tokens {spec.MaxTokens} exceed the {ctxMax}-token context per slot of the pools serving '{spec.ModelRef}'; shorten the prompt or lower max_tokens")
            : null;
    }

    /// <summary>The names a pool may give the model by: the ref itself, and its catalog id and source.</summary>
    private IReadOnlyList<string> NamesOf(string modelRef) =>
        catalog?.Find(modelRef) is { } entry
            ? new[] { modelRef, entry.Id, entry.SourceUrl }.OfType<string>().Distinct(StringComparer.Ordinal).ToList()
            : [modelRef];

    private Rejection NoPoolFor(TaskSpec spec)
    {
        var offered = pools.All.Select(p => $"{p.Id} ({WireNames.Of(p.Config.Engine)}: {p.Config.Model})");
        return new Rejection(
            ErrorCodes.PoolUnavailable,
            $"no pool serves model '{spec.ModelRef}' with engine {WireNames.Of(spec.Engine)}; configured pools: {string.Join(", ", offered)}",
            Retriable: false);
    }

    private static AdmissionOutcome Refuse(Rejection rejection) => new(null, 0, rejection);
}
