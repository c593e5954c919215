using System.Buffers;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// Runs the data-flow policy over what a request would queue or store: every free text of a task that reaches the
/// engine or its transcript (prompt, inputs, stop strings, grammar), and an artifact's tags and every string of its
/// content and metadata, member names included. A refusal becomes <c>POLICY_DENIED</c> with the rule as
/// <c>policy_label</c>; a redaction replaces the text and names its rules in <see cref="RedactedHeader"/>. Every
/// decision but allow is logged by rule name, never with the text.
/// </summary>
internal static class DataFlowGuard
{
    public const string RedactedHeader = "X-Policy-Redacted";
    private const string LoggerName = "LlamaOrch.Server.DataFlow";

    /// <summary>The body with its prompt, inputs, stop strings and grammar as the policy lets them through, or null and the refusal.</summary>
    public static TaskRequestBody? CheckTask(HttpContext context, IDataFlowPolicy policy, TaskRequestBody body, out Rejection? rejection)
    {
        rejection = null;
        // Made only when a rule redacts: most prompts pass untouched, and this runs on every submission.
        SortedSet<string>? redactedBy = null;
        DataFlowDecision? refused = null;
        string? prompt = body.Prompt, grammar = body.Grammar;
        List<string>? inputs = null, stop = null;
        var what =
            prompt is not null && !Pass(policy, prompt, ref redactedBy, out prompt, out refused) ? "task prompt"
            : !PassEach(policy, body.Inputs, ref redactedBy, out inputs, out refused) ? "task input"
            : !PassEach(policy, body.Stop, ref redactedBy, out stop, out refused) ? "task stop string"
            : grammar is not null && !Pass(policy, grammar, ref redactedBy, out grammar, out refused) ? "task grammar"
            : null;
        if (what is not null)
        {
            rejection = Refusal(context, refused!, what);
            return null;
        }
        if (redactedBy is null) return body;
        Redacted(context, redactedBy, "task");
        return body with { Prompt = prompt, Inputs = inputs, Stop = stop, Grammar = grammar };
    }

    /// <summary>
    /// The JSON value with every string and member name as the policy lets it through, or null and the refusal. Two
    /// names a redaction makes the same are left for the canonical form to refuse as a duplicate (400).
    /// </summary>
    public static JsonElement? CheckArtifact(HttpContext context, JsonElement value, ISet<string> redactedBy, out Rejection? rejection)
    {
        rejection = null;
        var policy = context.RequestServices.GetRequiredService<IDataFlowPolicy>();
        var found = new SortedSet<string>(StringComparer.Ordinal);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            try
            {
                if (!Rewrite(policy, value, writer, found, out var refused))
                {
                    rejection = Refusal(context, refused!, "artifact");
                    return null;
                }
            }
            catch (InvalidOperationException error)
            {
                // JsonElement throws this for a string whose escapes make a lone surrogate ("\ud800"): no text to check.
                rejection = Rejection.InvalidParams("body", $"a string has no UTF-8 form: {error.Message}");
                return null;
            }
        }
        if (found.Count == 0) return value;
        redactedBy.UnionWith(found);
        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>An artifact's tags as the policy lets them through, or null and the refusal.</summary>
    public static IReadOnlyList<string>? CheckTags(HttpContext context, IReadOnlyList<string> tags, ISet<string> redactedBy, out Rejection? rejection)
    {
        rejection = null;
        var policy = context.RequestServices.GetRequiredService<IDataFlowPolicy>();
        var passed = new List<string>(tags.Count);
        foreach (var tag in tags)
        {
            if (!Pass(policy, tag, redactedBy, out var text, out var refused, DataFlowScope.Artifacts))
            {
                rejection = Refusal(context, refused!, "artifact tag");
                return null;
            }
            passed.Add(text);
        }
        return passed;
    }

    /// <summary>Names the rules in the response header and logs them; the artifact path calls this once for content and metadata.</summary>
    public static void Redacted(HttpContext context, IEnumerable<string> rules, string what)
    {
        var names = string.Join(",", rules);
        context.Response.Headers[RedactedHeader] = names;
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerName).LogWarning(
            "Data-flow rules {Rules} redacted a {What} before it was kept (correlation {CorrelationId})", names, what, CorrelationIdMiddleware.Of(context));
    }

    private static bool Rewrite(IDataFlowPolicy policy, JsonElement value, Utf8JsonWriter writer, ISet<string> redactedBy, out DataFlowDecision? refused)
    {
        refused = null;
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var member in value.EnumerateObject())
                {
                    if (!Pass(policy, member.Name, redactedBy, out var name, out refused, DataFlowScope.Artifacts)) return false;
                    writer.WritePropertyName(name);
                    if (!Rewrite(policy, member.Value, writer, redactedBy, out refused)) return false;
                }
                writer.WriteEndObject();
                return true;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    if (!Rewrite(policy, item, writer, redactedBy, out refused)) return false;
                }
                writer.WriteEndArray();
                return true;
            case JsonValueKind.String:
                if (!Pass(policy, value.GetString()!, redactedBy, out var text, out refused, DataFlowScope.Artifacts)) return false;
                writer.WriteStringValue(text);
                return true;
            default:
                value.WriteTo(writer);
                return true;
        }
    }

    private static bool Pass(IDataFlowPolicy policy, string text, ISet<string> redactedBy, out string passed, out DataFlowDecision? refused,
        DataFlowScope where = DataFlowScope.Prompts)
    {
        var decision = policy.Check(where, text);
        refused = decision.Refused ? decision : null;
        passed = decision.Refused ? string.Empty : decision.Text;
        if (decision.Redacted) redactedBy.UnionWith(decision.RedactedBy);
        return !decision.Refused;
    }

    /// <summary>Each of a list of texts (null when the list is); a null item is the validator's to refuse, with its own message.</summary>
    private static bool PassEach(IDataFlowPolicy policy, List<string>? given, ref SortedSet<string>? redactedBy, out List<string>? passed, out DataFlowDecision? refused)
    {
        refused = null;
        passed = given is null ? null : new List<string>(given.Count);
        foreach (var item in given ?? [])
        {
            if (item is null)
            {
                passed!.Add(item!);
                continue;
            }
            if (!Pass(policy, item, ref redactedBy, out var text, out refused)) return false;
            passed!.Add(text);
        }
        return true;
    }

    private static bool Pass(IDataFlowPolicy policy, string text, ref SortedSet<string>? redactedBy, out string passed, out DataFlowDecision? refused,
        DataFlowScope where = DataFlowScope.Prompts)
    {
        var decision = policy.Check(where, text);
        refused = decision.Refused ? decision : null;
        passed = decision.Refused ? string.Empty : decision.Text;
        if (decision.Redacted) (redactedBy ??= new SortedSet<string>(StringComparer.Ordinal)).UnionWith(decision.RedactedBy);
        return !decision.Refused;
    }

    private static Rejection Refusal(HttpContext context, DataFlowDecision refused, string what)
    {
        context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(LoggerName).LogWarning(
            "Data-flow rule {Rule} refused a {What} (correlation {CorrelationId})", refused.Rule, what, CorrelationIdMiddleware.Of(context));
        return new Rejection(ErrorCodes.PolicyDenied, refused.Reason ?? $"refused by the data-flow rule '{refused.Rule}'", Retriable: false, PolicyLabel: refused.Rule);
    }
}
