using System.CommandLine.Parsing;
using System.Globalization;
using System.Text.RegularExpressions;

namespace LlamaOrch.Cli.Arguments;

/// <summary>Durations as people type them: <c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>2h</c>, or a bare number of seconds.</summary>
internal static partial class Durations
{
    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)(?<unit>ms|s|m|h)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var match = Pattern().Match(text.Trim());
        if (!match.Success || !double.TryParse(match.Groups["n"].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)) return false;
        var ms = match.Groups["unit"].Value switch
        {
            "ms" => n,
            "m" => n * 60_000,
            "h" => n * 3_600_000,
            _ => n * 1000,
        };
        // 30 days is the server's ceiling for every deadline.
        if (ms > 2_592_000_000) return false;
        duration = TimeSpan.FromMilliseconds(Math.Round(ms));
        return true;
    }

    /// <summary>A System.CommandLine parser: a bad value is a parse error (exit code 2), found before any request.</summary>
    public static TimeSpan? Parse(ArgumentResult result)
    {
        if (result.Tokens.Count == 0) return null;
        var text = result.Tokens[0].Value;
        if (TryParse(text, out var duration)) return duration;
        result.AddError($"'{text}' is not a duration: write e.g. 500ms, 30s, 5m or 2h (at most 30 days)");
        return null;
    }

    public static string Format(long ms) => ms switch
    {
        < 1000 => $"{ms} ms",
        < 120_000 => string.Create(CultureInfo.InvariantCulture, $"{ms / 1000.0:0.#} s"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{ms / 60_000.0:0.#} min"),
    };
}
