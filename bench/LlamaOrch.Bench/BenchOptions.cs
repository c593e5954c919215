using System.Globalization;

namespace LlamaOrch.Bench;

/// <summary>
/// What to run and for how long. The defaults finish the whole bench in about two minutes on two cores;
/// every number can be raised for a steadier result on a bigger machine.
/// </summary>
internal sealed record BenchOptions
{
    public const string Usage = """
        Usage: dotnet run -c Release --project bench/LlamaOrch.Bench -- [options]

        Build first: dotnet build -c Release (the bench starts the Release orchestratord and llorch-engine).

          --levels LIST        concurrent streams per level, comma separated (default 1,16,64,256)
          --duration-s N       measured seconds per level and path (default 6)
          --warmup-s N         unmeasured seconds before each level's window (default 1)
          --max-tokens N       tokens per task (default 128)
          --tps N              sim tokens per second per slot (default 1000)
          --flood-clients N    concurrent clients posting to the full queue (default 64)
          --flood-s N          measured seconds of the full-queue flood (default 5)
          --queued N           tasks held queued for the memory reading (default 1000)
          --orch-arg ARG       extra argument for every orchestratord the bench starts, repeatable
                               (e.g. --orch-arg --Logging:LogLevel:Default=Warning)
          --orch-env NAME=VAL  extra environment variable for orchestratord, repeatable (e.g. DOTNET_gcServer=0)
          -h, --help           print this text
        """;

    public IReadOnlyList<int> Levels { get; init; } = [1, 16, 64, 256];
    public double DurationSeconds { get; init; } = 6;
    public double WarmupSeconds { get; init; } = 1;
    public int MaxTokens { get; init; } = 128;
    public double TokensPerSecond { get; init; } = 1000;
    public int FloodClients { get; init; } = 64;
    public double FloodSeconds { get; init; } = 5;
    public int Queued { get; init; } = 1000;

    /// <summary>Passed through to orchestratord, to see what a setting changes without editing the server.</summary>
    public IReadOnlyList<string> OrchestratorArgs { get; init; } = [];

    public IReadOnlyDictionary<string, string> OrchestratorEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>Context per slot, as orchestratord's pool default; the engine gets this × slots in total.</summary>
    public int CtxPerSlot { get; init; } = 4096;

    /// <summary>Slots of the streaming pool and of the direct engine: enough for the largest level to run at once.</summary>
    public int Slots => Levels.Max();

    public string StreamModel => "sim:bench?tps=" + TokensPerSecond.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses the command line; null with <paramref name="error"/> set when it is wrong, or for --help.</summary>
    public static BenchOptions? Parse(string[] args, out string? error)
    {
        var options = new BenchOptions();
        error = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            if (name is "-h" or "--help")
            {
                error = Usage;
                return null;
            }
            if (i + 1 >= args.Length)
            {
                error = $"argument '{name}' needs a value\n\n{Usage}";
                return null;
            }
            var value = args[++i];
            try
            {
                options = name switch
                {
                    "--levels" => options with { Levels = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => Positive(v, name)).ToList() },
                    "--duration-s" => options with { DurationSeconds = PositiveDouble(value, name) },
                    "--warmup-s" => options with { WarmupSeconds = PositiveDouble(value, name, allowZero: true) },
                    "--max-tokens" => options with { MaxTokens = Positive(value, name) },
                    "--tps" => options with { TokensPerSecond = PositiveDouble(value, name) },
                    "--flood-clients" => options with { FloodClients = Positive(value, name) },
                    "--flood-s" => options with { FloodSeconds = PositiveDouble(value, name) },
                    "--queued" => options with { Queued = Positive(value, name) },
                    "--orch-arg" => options with { OrchestratorArgs = [.. options.OrchestratorArgs, value] },
                    "--orch-env" => options with { OrchestratorEnvironment = WithVariable(options.OrchestratorEnvironment, value, name) },
                    _ => throw new FormatException($"unknown argument '{name}'"),
                };
            }
            catch (FormatException bad)
            {
                error = $"{bad.Message}\n\n{Usage}";
                return null;
            }
        }
        if (options.Levels.Count == 0)
        {
            error = "--levels needs at least one level";
            return null;
        }
        if (options.MaxTokens >= options.CtxPerSlot)
        {
            error = $"--max-tokens must be below the {options.CtxPerSlot} tokens of context per slot";
            return null;
        }
        return options;
    }

    private static Dictionary<string, string> WithVariable(IReadOnlyDictionary<string, string> environment, string value, string name)
    {
        var equals = value.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0) throw new FormatException($"{name}: '{value}' is not NAME=VALUE");
        return new Dictionary<string, string>(environment) { [value[..equals]] = value[(equals + 1)..] };
    }

    private static int Positive(string value, string name) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) && parsed > 0
            ? parsed
            : throw new FormatException($"{name}: '{value}' is not a positive integer");

    private static double PositiveDouble(string value, string name, bool allowZero = false) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed) && (parsed > 0 || (allowZero && parsed == 0))
            ? parsed
            : throw new FormatException($"{name}: '{value}' is not a positive number");
}
