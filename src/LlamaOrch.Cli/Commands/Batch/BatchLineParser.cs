using System.Text.Json;
using LlamaOrch.Contracts;
using LlamaOrch.Contracts.Tasks;

namespace LlamaOrch.Cli.Commands;

/// <summary>
/// Reads <c>llorch batch</c>'s JSONL: each non-blank line is a JSON string (the prompt) or an object with the
/// members of <c>POST /v1/tasks</c> (<c>prompt</c>, <c>model_ref</c>, <c>max_tokens</c>, …) and an optional <c>id</c>.
/// A member the task API does not know is refused, so a typo (<c>max_token</c>) is not silently ignored.
/// </summary>
internal static class BatchLineParser
{
    private static readonly HashSet<string> Known = [.. ContractsJsonContext.Default.TaskRequestBody.Properties.Select(p => p.Name), "id"];

    /// <summary>Null for a blank line (skipped, not a task).</summary>
    public static BatchLine? Parse(int number, string line, BatchDefaults defaults)
    {
        if (string.IsNullOrWhiteSpace(line)) return null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException error)
        {
            return Invalid(number, null, $"not JSON: {FirstSentence(error.Message)}");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.String)
                return Valid(number, null, new TaskRequestBody { Prompt = root.GetString() }, defaults);
            if (root.ValueKind != JsonValueKind.Object)
                return Invalid(number, null, $"expected an object or a string, got {root.ValueKind.ToString().ToLowerInvariant()}");

            string? idJson = null;
            if (root.TryGetProperty("id", out var id))
            {
                if (id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
                    return Invalid(number, null, "id: expected a string or a number");
                idJson = id.GetRawText();
            }
            foreach (var member in root.EnumerateObject())
            {
                if (!Known.Contains(member.Name))
                    return Invalid(number, idJson, $"{member.Name}: not a member of a task (see POST /v1/tasks)");
            }
            TaskRequestBody task;
            try
            {
                task = JsonSerializer.Deserialize(line, ContractsJsonContext.Default.TaskRequestBody)!;
            }
            catch (JsonException error)
            {
                return Invalid(number, idJson, $"{error.Path?.TrimStart('$', '.') ?? "line"}: {FirstSentence(error.Message)}");
            }
            if (task.Prompt is null && task.Inputs is null)
                return Invalid(number, idJson, "prompt: required");
            return Valid(number, idJson, task, defaults);
        }
    }

    private static BatchLine Valid(int number, string? idJson, TaskRequestBody task, BatchDefaults defaults) =>
        new(number, idJson, task with
        {
            ModelRef = task.ModelRef ?? defaults.Model,
            MaxTokens = task.MaxTokens ?? defaults.MaxTokens,
            Priority = task.Priority ?? defaults.Priority,
        }, null);

    private static BatchLine Invalid(int number, string? idJson, string why) => new(number, idJson, null, why);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..(end + 1)];
    }
}
