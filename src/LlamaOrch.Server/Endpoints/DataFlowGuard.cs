using System.Buffers;
using System.Text.Json;
using LlamaOrch.Contracts.Errors;
using LlamaOrch.Contracts.Tasks;
using LlamaOrch.Core.Admission;
using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Http;

namespace LlamaOrch.Server.Endpoints;

/// <summary>
/// Runs the data-flow policy over what a request would queue or store: a task's prompt and inputs, an artifact's
/// content and metadata strings. A refusal becomes <c>POLICY_DENIED</c> with the rule as <c>policy_label</c>; a
/// redaction replaces the text and names its rules in <see cref="RedactedHeader"/>. Every decision but allow is
/// logged by rule name, never with the text.
/// </summary>
internal static class DataFlowGuard
{
    public const string RedactedHeader = "X-Policy-Redacted";
    private const string LoggerName = "LlamaOrch.Server.DataFlow";

    /// <summary>The body with its prompt and inputs as the policy lets them through, or null and the refusal.</summary>
    public static TaskRequestBody? CheckTask(HttpContext context, IDataFlowPolicy policy, TaskRequestBody body, out Rejection? rejection)
    {
        rejection = null;
        // Made only when a rule redacts: most prompts pass untouched, and this runs on every submission.
        SortedSet<string>? redactedBy = null;
        string? prompt = body.Prompt;
        if (prompt is not null && !Pass(policy, prompt, ref redactedBy, out prompt, out var refused))
        {
            rejection = Refusal(context, refused!, "task prompt");
            return null;
        }
        List<string>? inputs = null;
        if (body.Inputs is { } given)
        {
            inputs = new List<string>(given.Count);
            foreach (var input in given)
            {
                // A null input is the validator's to refuse, with its own message.
                if (input is null)
                {
                    inputs.Add(input!);
                    continue;
                }
                if (!Pass(policy, input, ref redactedBy, out var passed, out refused))
                {
                    rejection = Refusal(context, refused!, "task input");
                    return null;
                }
                inputs.Add(passed);
            }
        }
        if (redactedBy is null) return body;
        Redacted(context, redactedBy, "task prompt");
        return body with { Prompt = prompt, Inputs = inputs };
    }

    /// <summary>
    /// The JSON value with every string (values and member names stay apart: only values are checked) as the policy
    /// lets it through, or null and the refusal.
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
                    writer.WritePropertyName(member.Name);
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
