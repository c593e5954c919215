using System.Diagnostics;
using System.Text;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Budgets;
using LlamaOrch.Core.Catalog;
using LlamaOrch.Core.Chat;
using LlamaOrch.Core.Placement;
using LlamaOrch.Core.Pools;
using LlamaOrch.Core.Tasks;
using LlamaOrch.Core.Telemetry;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// Step 2 of the way of a task: check the model against the catalog (retired, untrusted), find the pools
/// that serve it, let placement pick one, and queue the task there.
/// </summary>
public sealed class AdmissionService
{
    /// <summary>Begin-of-sequence plus SentencePiece's leading space: tokens a prompt may have beyond its bytes.</summary>
    private const int SpecialTokenAllowance = 2;

    /// <summary>How long admission waits for a token count before leaving the check to the engine.</summary>
    private static readonly TimeSpan TokenCountTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The <c>policy_label</c> of a refusal by a session budget, and of one by the session turn limit.</summary>
    public const string BudgetPolicyLabel = "budget";
    public const string SessionPolicyLabel = "session";

    private readonly PoolRegistry _pools;
    private readonly TaskStore _tasks;
    private readonly TimeProvider _time;
    private readonly PoolPlacement _placement;
    private readonly ModelCatalog? _catalog;
    private readonly AdmissionGate? _gate;
    private readonly string? _defaultModel;

    /// <param name="defaultModel">The model a task without <c>model_ref</c> asks for (Orchestrator:Tasks:DefaultModel); null to take the one model the pools serve.</param>
    internal AdmissionService(PoolRegistry pools, TaskStore tasks, TimeProvider time, PoolPlacement placement, ModelCatalog? catalog = null, AdmissionGate? gate = null, string? defaultModel = null)
    {
        _pools = pools;
        _tasks = tasks;
        _time = time;
        _placement = placement;
        _catalog = catalog;
        _gate = gate;
        _defaultModel = defaultModel;
    }

    /// <summary>
    /// Fills the defaults that depend on the pools: <c>model_ref</c> (the configured default model, else the one
    /// model that the pools serving the workload share) and <c>engine</c> (that of the pools serving the model;
    /// llamacpp when none does). The other fields get their defaults in <see cref="TaskRequestValidator"/>.
    /// </summary>
    public TaskRequestBody WithDefaults(TaskRequestBody body, out Rejection? problem)
    {
        problem = null;
        var model = body.ModelRef;
        if (model is not null && PoolNamed(model) is { } pool)
        {
            // A pool's id is a short name for its model, and the pool is the one asked for.
            model = pool.Config.Model;
            body = body with { ModelRef = model, Placement = body.Placement ?? new PlacementBody { Mode = "pin", PinPoolId = pool.Id } };
        }
        if (model is null)
        {
            if (!WireNames.Workloads.TryGetValue(body.Workload ?? WireNames.Of(Workload.Completion), out var workload)) return body;
            model = _defaultModel ?? TheOnlyModel(workload, out problem);
            if (model is null) return body;
        }
        var engine = body.Engine ?? WireNames.Of(FirstServing(model)?.Config.Engine ?? EngineKind.LlamaCpp);
        // Nothing to fill (a client that names both): the body as it came, not a copy.
        return string.Equals(model, body.ModelRef, StringComparison.Ordinal) && string.Equals(engine, body.Engine, StringComparison.Ordinal)
            ? body
            : body with { ModelRef = model, Engine = engine };
    }

    /// <summary>The pool whose id <paramref name="name"/> is, when no pool serves a model by that name (a model's own name wins).</summary>
    private PoolRuntime? PoolNamed(string name) =>
        _pools.Find(name) is { } pool && FirstServing(name) is null ? pool : null;

    /// <summary>The first pool (in configuration order) whose model is one of the names <paramref name="modelRef"/> goes by.</summary>
    private PoolRuntime? FirstServing(string modelRef)
    {
        var names = NamesOf(modelRef);
        var pools = _pools.All;
        for (var index = 0; index < pools.Count; index++)
            if (PoolRegistry.Names(names, pools[index].Config.Model)) return pools[index];
        return null;
    }

    private string? TheOnlyModel(Workload workload, out Rejection? problem)
    {
        var models = _pools.All.Where(p => p.Config.Workloads.Contains(workload) && !p.IsStopped).Select(p => p.Config.Model).Distinct().ToList();
        problem = models.Count == 1 ? null : Rejection.InvalidParams("model_ref", models.Count == 0
            ? $"required: no pool serves workload {WireNames.Of(workload)}"
            : $"required: the pools serve several models ({string.Join(", ", models)}); name one, or set Orchestrator:Tasks:DefaultModel");
        return problem is null ? models[0] : null;
    }

    public AdmissionOutcome Submit(TaskSpec spec, string correlationId)
    {
        // The request's span, taken before admission's own: the task's queue wait and runs are its children too.
        var origin = Activity.Current?.Context ?? default;
        using var span = TaskTracing.StartAdmission(spec, correlationId);
        var outcome = Admit(spec, correlationId, origin);
        if (span is not null && outcome.Rejection is { } refused)
            span.SetStatus(ActivityStatusCode.Error, refused.Code);
        else
            span?.SetTag(TaskTracing.PoolIdAttribute, outcome.Task?.PoolId);
        return outcome;
    }

    private AdmissionOutcome Admit(TaskSpec spec, string correlationId, ActivityContext origin)
    {
        if (_catalog?.AdmissionCheck(spec.ModelRef) is { } untrusted) return Refuse(spec, untrusted);

        var serving = _pools.Serving(NamesOf(spec.ModelRef), spec.Engine);
        if (serving.Count == 0) return Refuse(spec, NoPoolFor(spec));

        PoolChoice choice;
        using (var placing = TaskTracing.StartPlacement())
        {
            choice = _placement.Choose(spec, serving);
            placing?.SetTag(TaskTracing.PoolIdAttribute, choice.Pool?.Id);
        }
        if (choice.Pool is not { } chosen) return Refuse(spec, choice.Rejection!);
        if (chosen.Sessions.TurnLimitReached(spec.SessionId))
            return Refuse(spec, new Rejection(ErrorCodes.SessionTurnLimit,
                $"session {spec.SessionId} has had its {chosen.Sessions.MaxTurns} turns (Orchestrator:Sessions:MaxTurns); start a new session (a new session_id)",
                Retriable: false, PolicyLabel: SessionPolicyLabel));

        // The price is the chosen pool's, so the budget is reserved once placement has picked it.
        var budget = chosen.Sessions.BudgetOf(spec.SessionId);
        try
        {
            return AdmitPlaced(spec, correlationId, origin, choice, chosen, budget);
        }
        finally
        {
            // A session that only this submission's budget lookup made is forgotten if the task was refused.
            if (budget is not null) chosen.Sessions.AdmissionAnswered(spec.SessionId);
        }
    }

    /// <summary>The task's admission into the pool placement chose, once the session's budget (if any) is at hand.</summary>
    private AdmissionOutcome AdmitPlaced(TaskSpec spec, string correlationId, ActivityContext origin, PoolChoice choice, PoolRuntime chosen, SessionBudget? budget)
    {
        BudgetReservation? reserved = null;
        if (budget is not null && !TryReserve(budget, spec, chosen, out reserved, out var overBudget))
            return Refuse(spec, overBudget);

        // A full queue (as placement's look found it) refuses before a task is made and stored for it: a flood of 429s then
        // costs no task each. The checks that come before the queue's in the full way below (an id in use, a closed gate)
        // keep their precedence; a deadline's own refusal (DEADLINE_UNMET) is the pool's to give, under its lock.
        if (spec.DeadlineMs == 0 && choice.QueueFull is { } full && !_tasks.Holds(spec.TaskId) && _gate?.Refusal is null)
        {
            _placement.CountAdmission(spec, choice, queued: false);
            reserved?.Release();
            return Refuse(spec, full);
        }

        var task = new OrchestratedTask(spec, correlationId, chosen, _time) { TraceParent = origin, Budget = reserved };
        if (!_tasks.TryAdd(task))
        {
            reserved?.Release();
            return Refuse(spec, new Rejection(ErrorCodes.TaskExists,
                $"task_id: task {spec.TaskId} already exists; stream or cancel it, or submit with a new task_id", Retriable: false));
        }
        // Looked at once the task is stored: a shutdown that closes the gate after this still finds the task and ends it.
        if (_gate?.Refusal is { } closed)
        {
            _tasks.Remove(task);
            reserved?.Release();
            return Refuse(spec, closed);
        }

        var admitted = chosen.Admit(task);
        _placement.CountAdmission(spec, choice, queued: admitted.Rejection is null);
        if (admitted.Rejection is not null)
        {
            // A refused task leaves no trace, so the client can retry with the same task_id.
            _tasks.Remove(task);
            reserved?.Release();
            return Refuse(spec, admitted.Rejection);
        }
        task.MarkAdmitted();
        var session = chosen.Sessions.Admitted(spec.SessionId);
        if (!task.AttachSession(session)) chosen.Sessions.TaskEnded(session);
        return new AdmissionOutcome(task, admitted.BackoffMs, null);
    }

    /// <summary>
    /// Refuses, before any queueing, a completion whose prompt and <c>max_tokens</c> cannot fit the context of
    /// the pools serving its model. A prompt short enough in UTF-8 bytes certainly fits (a token covers at least
    /// one byte, plus the begin-of-sequence and leading-space tokens) and costs nothing; a longer one is counted
    /// by a ready replica's tokenizer. When no replica can count, or every queue is full (admission then refuses the
    /// task with a 429 anyway), the engine checks it after admission.
    /// </summary>
    public async ValueTask<Rejection?> CheckContextFitAsync(TaskSpec spec, CancellationToken cancellationToken)
    {
        if (spec.Workload != Workload.Completion || spec.Prompt is not { Length: > 0 } prompt) return null;
        // Without max_tokens the engine generates until the context is full: the prompt must leave room for one token.
        var generated = spec.MaxTokens ?? 1;
        var mostTokens = (long)Encoding.UTF8.GetByteCount(prompt) + SpecialTokenAllowance + generated;
        // Placement only picks a pool whose context holds the task's ctx, so within ctx it fits without looking further.
        if (mostTokens <= spec.Ctx) return null;
        var serving = _pools.Serving(NamesOf(spec.ModelRef), spec.Engine).Where(p => p.Config.Workloads.Contains(Workload.Completion)).ToList();
        if (serving.Count == 0) return null;
        var ctxMax = serving.Max(p => p.CtxMax);
        if (mostTokens <= ctxMax) return null;
        if (spec.MaxTokens > ctxMax)
            return Rejection.InvalidParams("max_tokens", $"{spec.MaxTokens} exceeds the {ctxMax}-token context per slot of the pools serving '{spec.ModelRef}'");
        // Counting is only an early refusal, worth an engine call when the task could be queued now: with every queue full
        // (or no pool open), admission refuses it anyway, and a flood of long prompts must not load busy engines with
        // /tokenize calls on the way to its 429s.
        if (!serving.Any(p => p.LookForAdmission(spec.Ctx ?? spec.MaxTokens ?? 0) is { CanAdmit: true, QueueFull: null })) return null;
        if (serving.Select(p => p.AnyReadyClient()).FirstOrDefault(c => c is not null) is not { } client) return null;

        int tokens;
        try
        {
            using var timeout = new CancellationTokenSource(TokenCountTimeout, _time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            tokens = await client.CountTokensAsync(prompt, linked.Token).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure to count (engine gone, slow, odd reply) only defers the check to the engine itself.
            return null;
        }
        return (long)tokens + generated > ctxMax
            ? Rejection.InvalidParams("prompt", $"{tokens} prompt tokens + {(spec.MaxTokens is null ? "one generated token" : $"max_tokens {generated}")} exceed the {ctxMax}-token context per slot of the pools serving '{spec.ModelRef}'; shorten the prompt or lower max_tokens")
            : null;
    }

    /// <summary>
    /// Reserves the task's most in its session's budget: its prompt's upper bound in tokens (as for the context check:
    /// UTF-8 bytes plus two, over the prompt and every input) plus <c>max_tokens</c>, or all that is left without it.
    /// </summary>
    private static bool TryReserve(SessionBudget budget, TaskSpec spec, PoolRuntime pool, out BudgetReservation? reserved, out Rejection refusal)
    {
        var promptTokens = PromptTokensAtMost(spec);
        // Embedding and rerank tasks generate nothing: their inputs are all they can cost.
        var maxTokens = spec.Workload == Workload.Completion ? spec.MaxTokens : 0;
        reserved = budget.TryReserve(pool.Id, pool.Config.Price, promptTokens, maxTokens, out var exhausted, out var retriable);
        if (reserved is not null)
        {
            refusal = null!;
            return true;
        }
        budget.Metrics.Refused(pool.Id, exhausted!);
        var left = budget.Remaining();
        var what = exhausted switch
        {
            "tokens" => $"{left.Tokens} tokens are left and the task may take {promptTokens} prompt tokens (at most) + {(maxTokens is { } most ? $"max_tokens {most}" : "at least one generated token")}",
            "cost" => $"{left.Cost} of its cost budget is left, less than the task may cost at pool {pool.Id}'s price",
            _ => "its time budget is spent",
        };
        // Retriable only while its other unfinished tasks hold reserves whose return would make room.
        refusal = new Rejection(ErrorCodes.BudgetExceeded, $"session {spec.SessionId}: {what}; raise it with PUT /v1/sessions/{{id}}/budget",
            Retriable: retriable, PolicyLabel: BudgetPolicyLabel);
        return false;
    }

    /// <summary>The most tokens the task's prompt and inputs can take: a token covers at least one UTF-8 byte, plus the special ones.</summary>
    internal static int PromptTokensAtMost(TaskSpec spec)
    {
        long prompt = spec.Prompt is { } text ? Encoding.UTF8.GetByteCount(text) + SpecialTokenAllowance : 0;
        var total = spec.Workload == Workload.Rerank ? 0 : prompt;
        // A rerank pair is the prompt and one input, so there the prompt counts once per input.
        foreach (var input in spec.Inputs ?? [])
            total += Encoding.UTF8.GetByteCount(input) + SpecialTokenAllowance + (spec.Workload == Workload.Rerank ? prompt : 0);
        return (int)Math.Min(total, int.MaxValue);
    }

    /// <summary>
    /// The chat template of the model that <paramref name="modelRef"/> names, from the first pool serving it that
    /// knows one; null when none does (the chat doors then render the documented fallback).
    /// </summary>
    public ChatTemplateFacts? ChatTemplateOf(string modelRef, EngineKind engine) =>
        _pools.Serving(NamesOf(modelRef), engine).Select(pool => pool.ChatTemplate).FirstOrDefault(template => template is not null);

    /// <summary>Whether any pool serves the model that <paramref name="modelRef"/> names with <paramref name="engine"/> (running or not).</summary>
    public bool Serves(string modelRef, EngineKind engine) => _pools.Serving(NamesOf(modelRef), engine).Count > 0;

    /// <summary>
    /// Counts <paramref name="text"/> with the tokenizer of a ready replica of a pool serving the model (as
    /// <see cref="CheckContextFitAsync"/> finds one); null when no replica is ready. Engine failures propagate.
    /// </summary>
    public async ValueTask<int?> CountTokensAsync(string modelRef, EngineKind engine, string text, CancellationToken cancellationToken)
    {
        var client = _pools.Serving(NamesOf(modelRef), engine).Select(p => p.AnyReadyClient()).FirstOrDefault(c => c is not null);
        return client is null ? null : await client.CountTokensAsync(text, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The names a pool may give the model by: the ref itself, and its catalog id and source.</summary>
    private IReadOnlyList<string> NamesOf(string modelRef) =>
        _catalog?.Find(modelRef) is { } entry
            ? new[] { modelRef, entry.Id, entry.SourceUrl }.OfType<string>().Distinct(StringComparer.Ordinal).ToList()
            : [modelRef];

    private Rejection NoPoolFor(TaskSpec spec)
    {
        var offered = _pools.All.Select(p => $"{p.Id} ({WireNames.Of(p.Config.Engine)}: {p.Config.Model})");
        return new Rejection(
            ErrorCodes.PoolUnavailable,
            $"no pool serves model '{spec.ModelRef}' with engine {WireNames.Of(spec.Engine)}; configured pools: {string.Join(", ", offered)}",
            Retriable: false);
    }

    /// <summary>Every pool a task is weighed against has the task's engine, so that is the engine the refusal concerns.</summary>
    private static AdmissionOutcome Refuse(TaskSpec spec, Rejection rejection) =>
        new(null, 0, rejection with { Engine = rejection.Engine ?? WireNames.Of(spec.Engine) });
}
