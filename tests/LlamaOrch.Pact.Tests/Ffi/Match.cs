using System.Text.Json.Nodes;

namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>
/// Matchers and generators in libpact_ffi's integration JSON (<c>pact:matcher:type</c>): what the pact file records
/// as matching rules, with the example the mock server answers and the verifier sends.
/// </summary>
internal static class Match
{
    /// <summary>Any value of the example's JSON type (and, for objects, the same keys matched the same way).</summary>
    public static JsonObject Like(JsonNode? example) => Matcher("type", example);

    /// <summary>An array of at least <paramref name="min"/> items, each like <paramref name="item"/>.</summary>
    public static JsonObject EachLike(JsonNode item, int min = 1)
    {
        var matcher = Matcher("type", new JsonArray(item));
        matcher["min"] = min;
        return matcher;
    }

    /// <summary>A string matching <paramref name="regex"/> (the example must match it too).</summary>
    public static JsonObject Regex(string regex, string example)
    {
        var matcher = Matcher("regex", example);
        matcher["regex"] = regex;
        return matcher;
    }

    public static JsonObject Integer(long example) => Matcher("integer", example);

    public static JsonObject Decimal(double example) => Matcher("decimal", example);

    /// <summary>
    /// A value the provider's state handler supplies: the verifier replaces <c>${name}</c> in <paramref name="expression"/>
    /// with what the state setup answered; the consumer side sees <paramref name="example"/>.
    /// </summary>
    public static JsonObject FromProviderState(string expression, string example)
    {
        var matcher = Matcher("type", example);
        matcher["pact:generator:type"] = "ProviderState";
        matcher["expression"] = expression;
        return matcher;
    }

    public const string Uuid = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$";
    public const string Digits = "^[0-9]+$";
    public const string ArtifactId = "^sha256:[0-9a-f]{64}$";
    public const string Iso8601 = @"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$";

    private static JsonObject Matcher(string type, JsonNode? example) =>
        new() { ["pact:matcher:type"] = type, ["value"] = example?.DeepClone() };
}
