using System.Text.Json.Nodes;

namespace LlamaOrch.Bdd.Steps;

/// <summary>A dotted path into JSON (<c>pools[0].id</c>, <c>error.code</c>); "" is the root.</summary>
internal static class JsonPath
{
    /// <summary>The node at <paramref name="path"/>, or false when a part of the path is missing (a JSON null is found, as null).</summary>
    public static bool TryGet(JsonNode? root, string path, out JsonNode? node)
    {
        node = root;
        if (path.Length == 0) return true;
        foreach (var part in path.Split('.'))
        {
            var name = part;
            var indexes = new List<int>();
            while (name.EndsWith(']'))
            {
                var open = name.LastIndexOf('[');
                indexes.Insert(0, int.Parse(name[(open + 1)..^1], System.Globalization.CultureInfo.InvariantCulture));
                name = name[..open];
            }
            if (name.Length > 0)
            {
                if (node is not JsonObject obj || !obj.TryGetPropertyValue(name, out node)) return false;
            }
            foreach (var index in indexes)
            {
                if (node is not JsonArray array || index >= array.Count) return false;
                node = array[index];
            }
        }
        return true;
    }

    public static JsonNode? Get(JsonNode? root, string path) =>
        TryGet(root, path, out var node) ? node : throw new StepFailedException($"no \"{path}\" in {Shorten(root?.ToJsonString())}");

    /// <summary>A node as a step compares it: strings bare, everything else as JSON text.</summary>
    public static string Text(JsonNode? node) => node switch
    {
        null => "null",
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };

    public static string Shorten(string? text) => text is null ? "null" : text.Length <= 400 ? text : text[..400] + "…";
}
