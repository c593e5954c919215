using System.Text.Json;

namespace LlamaOrch.Cli.Arguments;

/// <summary>JSON a user hands llorch in a file, or on stdin as <c>-</c>; anything wrong with it is a usage error, before any request.</summary>
internal static class JsonFiles
{
    public static async Task<JsonElement> ReadObjectAsync(FileInfo file, string what, CancellationToken cancellationToken)
    {
        var text = await ReadTextAsync(file.ToString(), what, cancellationToken);
        return ParseObject(text, $"{what} {file}");
    }

    /// <summary>The text of <paramref name="path"/>, or of stdin when it is <c>-</c>.</summary>
    public static async Task<string> ReadTextAsync(string path, string what, CancellationToken cancellationToken)
    {
        if (path == "-") return await Console.In.ReadToEndAsync(cancellationToken);
        try
        {
            return await File.ReadAllTextAsync(path, cancellationToken);
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"{what}: cannot read {path}: {error.Message}");
        }
    }

    /// <summary>A JSON object, or a usage error that says where the text is wrong.</summary>
    public static JsonElement ParseObject(string text, string what)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw new UsageException($"{what}: must be a JSON object, not {document.RootElement.ValueKind.ToString().ToLowerInvariant()}");
            return document.RootElement.Clone();
        }
        catch (JsonException error)
        {
            throw new UsageException($"{what}: not JSON: {error.Message}");
        }
    }
}
