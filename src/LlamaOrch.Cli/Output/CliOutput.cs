using System.Text.Json.Serialization.Metadata;
using LlamaOrch.Client;
using Spectre.Console;

namespace LlamaOrch.Cli.Output;

/// <summary>
/// Where a command writes: people get Spectre tables on stdout (colours only on a terminal without <c>NO_COLOR</c>),
/// scripts get one JSON document (<c>--json</c>); notes, retries and errors go to stderr so stdout stays parseable.
/// </summary>
internal sealed class CliOutput
{
    private IAnsiConsole? _console;

    public CliOutput(bool json, bool verbose)
    {
        Json = json;
        Verbose = verbose;
    }

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json { get; }

    /// <summary>Whether <c>--verbose</c> was given: the echoed correlation id of each call goes to stderr.</summary>
    public bool Verbose { get; }

    /// <summary>The console for human output, made on first use.</summary>
    public IAnsiConsole Console => _console ??= CreateConsole();

    /// <summary>Whether colours are off: stdout is not a terminal, or <c>NO_COLOR</c> is set to anything (no-color.org).</summary>
    public static bool Plain => System.Console.IsOutputRedirected || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));

    /// <summary>Writes <paramref name="value"/> as its wire JSON, one document on one line.</summary>
    public static async Task WriteJsonAsync<T>(T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await using var stdout = System.Console.OpenStandardOutput();
        await System.Text.Json.JsonSerializer.SerializeAsync(stdout, value, type, cancellationToken);
        await stdout.WriteAsync("\n"u8.ToArray(), cancellationToken);
    }

    /// <summary>A line on stderr (progress, retries), never mixed into stdout's JSON or table.</summary>
    public static void Note(string line) => System.Console.Error.WriteLine($"llorch: {line}");

    /// <summary>With <c>--verbose</c>: the correlation id the server echoed for <paramref name="response"/>.</summary>
    public void Traced(ApiResponse response)
    {
        if (Verbose) System.Console.Error.WriteLine($"llorch: correlation id {response.CorrelationId}");
    }

    /// <summary>A table with the columns given, in the style of every llorch table.</summary>
    public static Table Table(params string[] columns) => new Table().Border(TableBorder.Rounded).AddColumns(columns);

    /// <summary>
    /// Adds a row: renderables as they are (<see cref="State"/>), other values as plain text (numbers in the invariant
    /// culture, booleans as yes/no, null as <c>-</c>), never read as markup.
    /// </summary>
    public static void AddRow(Table table, params object?[] values) =>
        table.AddRow(values.Select(v => v as Spectre.Console.Rendering.IRenderable ?? new Text(v switch
        {
            null => "-",
            bool b => b ? "yes" : "no",
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => v.ToString() ?? "-",
        })).ToArray());

    /// <summary>A state word in its colour (on a terminal that has colours): green when well, red when not, yellow in between.</summary>
    public static Text State(string state) => new(state, state switch
    {
        "ready" or "yes" or "allowed" or "verified" or "Active" => new Style(Color.Green),
        "down" or "no" or "failed" or "refused" or "invalid" or "Retired" or "unresponsive" => new Style(Color.Red),
        _ => new Style(Color.Yellow),
    });

    /// <summary><see cref="State"/> of a yes/no, where <paramref name="good"/> says which answer is the healthy one.</summary>
    public static Text State(bool value, bool good = true) =>
        new(value ? "yes" : "no", new Style(value == good ? Color.Green : Color.Yellow));

    private static IAnsiConsole CreateConsole()
    {
        var redirected = System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = Plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = redirected ? InteractionSupport.No : InteractionSupport.Detect,
            Out = new AnsiConsoleOutput(System.Console.Out),
        });
        // A pipe has no width: Spectre would wrap tables at 80 columns and split ids that scripts grep for.
        if (redirected)
            console.Profile.Width = int.TryParse(Environment.GetEnvironmentVariable("COLUMNS"), out var columns) && columns > 0 ? columns : 240;
        return console;
    }
}
