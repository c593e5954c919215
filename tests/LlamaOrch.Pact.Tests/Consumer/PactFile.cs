using System.Text.Json.Nodes;

namespace LlamaOrch.Pact.Tests.Consumer;

/// <summary>A pact file compared by meaning: the same interactions (in any order) with the same content.</summary>
internal static class PactFile
{
    public static JsonObject Normalized(string json)
    {
        var pact = JsonNode.Parse(json)!.AsObject();
        if (pact["interactions"] is JsonArray interactions)
        {
            var sorted = interactions.Select(i => i!.DeepClone()).OrderBy(i => i["description"]!.GetValue<string>(), StringComparer.Ordinal).ToArray();
            pact["interactions"] = new JsonArray(sorted);
        }
        return pact;
    }

    /// <summary>The first interaction (or top-level key) that differs, both ways, for the failure message.</summary>
    public static string FirstDifference(JsonObject committed, JsonObject fresh)
    {
        foreach (var key in committed.Select(p => p.Key).Union(fresh.Select(p => p.Key)))
        {
            if (key == "interactions") continue;
            if (!JsonNode.DeepEquals(committed[key], fresh[key])) return $"'{key}' committed: {committed[key]?.ToJsonString()}\n now: {fresh[key]?.ToJsonString()}";
        }
        var before = (committed["interactions"] as JsonArray ?? []).ToDictionary(i => i!["description"]!.GetValue<string>(), i => i);
        var after = (fresh["interactions"] as JsonArray ?? []).ToDictionary(i => i!["description"]!.GetValue<string>(), i => i);
        foreach (var description in before.Keys.Union(after.Keys).Order(StringComparer.Ordinal))
        {
            before.TryGetValue(description, out var was);
            after.TryGetValue(description, out var now);
            if (!JsonNode.DeepEquals(was, now))
                return $"interaction '{description}'\n committed: {was?.ToJsonString() ?? "(absent)"}\n now: {now?.ToJsonString() ?? "(absent)"}";
        }
        return "(no difference found in the interactions)";
    }
}
