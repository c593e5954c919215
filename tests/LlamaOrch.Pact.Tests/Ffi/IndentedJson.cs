using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlamaOrch.Pact.Tests.Ffi;

/// <summary>JSON the library reports, indented for a failure message.</summary>
internal static class IndentedJson
{
    public static string Format(string raw)
    {
        if (string.IsNullOrWhiteSpace(raw)) return "(none reported)";
        try
        {
            using var document = JsonDocument.Parse(raw);
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                document.RootElement.WriteTo(writer);
            return Encoding.UTF8.GetString(buffer.ToArray());
        }
        catch (JsonException)
        {
            return raw;
        }
    }
}
