using System.Text;
using System.Text.Json;

namespace LlamaOrch.Core.Artifacts;

/// <summary>
/// What an artifact is, in the canonical form its id is the hash of and its file holds byte for byte:
/// <c>{"content":…,"kind":…,"metadata":…,"parent":…,"session":…,"tags":[…]}</c> (<see cref="CanonicalJson"/>), with
/// tags sorted by UTF-16 code units and deduplicated, <c>metadata</c> <c>{}</c> when not given, and <c>parent</c>
/// and <c>session</c> left out when not given. A parent's id is inside the hashed bytes, so no artifact can be
/// its own ancestor.
/// </summary>
/// <param name="Bytes">The canonical UTF-8 bytes.</param>
public sealed record ArtifactDocument(string Id, string Kind, IReadOnlyList<string> Tags, string? Parent, string? Session, byte[] Bytes)
{
    /// <summary>The document of these parts; <paramref name="content"/> and <paramref name="metadata"/> must be objects.</summary>
    /// <exception cref="FormatException">A value has no canonical form (<see cref="CanonicalJson.Write"/>).</exception>
    public static ArtifactDocument Create(string kind, JsonElement content, IEnumerable<string> tags, string? parent, JsonElement? metadata, string? session)
    {
        var sortedTags = tags.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var text = new StringBuilder();
        text.Append("{\"content\":");
        CanonicalJson.Write(text, content);
        text.Append(",\"kind\":");
        CanonicalJson.WriteString(text, kind);
        text.Append(",\"metadata\":");
        if (metadata is { } given) CanonicalJson.Write(text, given);
        else text.Append("{}");
        if (parent is not null)
        {
            text.Append(",\"parent\":");
            CanonicalJson.WriteString(text, parent);
        }
        if (session is not null)
        {
            text.Append(",\"session\":");
            CanonicalJson.WriteString(text, session);
        }
        text.Append(",\"tags\":");
        CanonicalJson.WriteStringArray(text, sortedTags);
        text.Append('}');
        var bytes = CanonicalJson.ToUtf8(text.ToString());
        return new ArtifactDocument(CanonicalJson.Sha256Id(bytes), kind, sortedTags, parent, session, bytes);
    }
}
