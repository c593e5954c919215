using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LlamaOrch.Bench;

/// <summary>
/// The bench's options. A valued option given twice takes its last value; <c>--orch-arg</c> and
/// <c>--orch-env</c> collect every use.
/// </summary>
internal static class BenchCommandLine
{
    private static readonly BenchOptions Defaults = new();

    // No default value for the help to show: it would join the list with '|', not as it is written here.
    private static readonly Option<IReadOnlyList<int>?> Levels = Valued<IReadOnlyList<int>?>(
        "--levels", "LIST", null, TryParseLevels, "not a comma-separated list of positive integers",
        $"concurrent streams per level, comma separated (default {string.Join(',', Defaults.Levels)})");

    private static readonly Option<double> Duration = Valued(
        "--duration-s", "N", Defaults.DurationSeconds, PositiveNumber(allowZero: false), "not a positive number",
        "measured seconds per level and path");

    private static readonly Option<double> Warmup = Valued(
        "--warmup-s", "N", Defaults.WarmupSeconds, PositiveNumber(allowZero: true), "not a positive number",
        "unmeasured seconds before each level's window");

    private static readonly Option<int> MaxTokens = Valued(
        "--max-tokens", "N", Defaults.MaxTokens, TryParsePositive, "not a positive integer",
        "tokens per task");

    private static readonly Option<double> Tps = Valued(
        "--tps", "N", Defaults.TokensPerSecond, PositiveNumber(allowZero: false), "not a positive number",
        "sim tokens per second per slot");

    private static readonly Option<int> FloodClients = Valued(
        "--flood-clients", "N", Defaults.FloodClients, TryParsePositive, "not a positive integer",
        "concurrent clients posting to the full queue");

    private static readonly Option<double> FloodSeconds = Valued(
        "--flood-s", "N", Defaults.FloodSeconds, PositiveNumber(allowZero: false), "not a positive number",
        "measured seconds of the full-queue flood");

    private static readonly Option<string?> Only = Valued<string?>(
        "--only", "NAME", null, (string text, out string? value) => { value = text; return BenchOptions.OnlyScenarios.Contains(text); },
        $"not one of: {string.Join(", ", BenchOptions.OnlyScenarios)}",
        "instead of the usual bench, only this part of it: flood (the full-queue flood against orchestratord, then against llorch-bare; about 20 s), " +
        "or submit-modes (at 1, 64 and max(--levels) streams: the engine straight, llorch-bare's no-logic relay to it, orchestratord one- and two-request, llorch-bare's fixed stream, then one stream interleaved; about 3.5 min at the defaults)");

    private static readonly Option<int> Queued = Valued(
        "--queued", "N", Defaults.Queued, TryParsePositive, "not a positive integer",
        "tasks held queued for the memory reading");

    private static readonly Option<int> Live = Valued(
        "--live", "N", Defaults.Live, TryParsePositive, "not a positive integer",
        "streams held open past their first token for the per-stream memory reading");

    private static readonly Option<string?> GcDump = Valued<string?>(
        "--gcdump", "PATH", null, (string text, out string? value) => { value = text; return File.Exists(text); }, "not an existing file",
        "dotnet-gcdump, to read orchestratord's live managed heap (after a full GC) beside VmRSS for the per-task, per-stream and per-frame memory");

    private static readonly Option<IReadOnlyList<int>?> PredictDepths = Valued<IReadOnlyList<int>?>(
        "--predict-depths", "LIST", null, TryParseDepths, "not a comma-separated list of integers 0 or more",
        "instead of the usual bench: measure predicted_start_ms against the actual start at these target queue depths, e.g. 0,4,16,64 (--duration-s, --warmup-s, --tps and --max-tokens apply)");

    private static readonly Option<int> PredictSlots = Valued(
        "--predict-slots", "N", Defaults.PredictSlots, TryParsePositive, "not a positive integer",
        "slots of the prediction run's pool");

    private static readonly Option<IReadOnlyList<int>?> OpenAiLevels = Valued<IReadOnlyList<int>?>(
        "--openai-levels", "LIST", null, TryParseDepths, "not a comma-separated list of integers 0 or more",
        "instead of the usual bench: added time to first token of streaming /v1/chat/completions against the same request straight to the engine, at these stream counts, e.g. 1,64");

    private static readonly Option<IReadOnlyList<int>?> UpstreamLevels = Valued<IReadOnlyList<int>?>(
        "--upstream-levels", "LIST", null, TryParseLevels, "not a comma-separated list of positive integers",
        "instead of the usual bench: added time to first token through an upstream replica (a pool's Upstreams) against the upstream alone, for a llorch-engine (llamacpp protocol) and an orchestratord's OpenAI door (openai protocol), at these stream counts, e.g. 1,16");

    private static readonly Option<int?> SessionTurns = Valued<int?>(
        "--session-turns", "N", null, (string text, out int? value) => { var ok = TryParsePositive(text, out var turns); value = turns; return ok; },
        "not a positive integer",
        "instead of the usual bench: a conversation of N turns (e.g. 10) growing to --session-tokens prompt tokens, with KV reuse against kv_hint cold, on a real model");

    private static readonly Option<int> SessionTokens = Valued(
        "--session-tokens", "N", Defaults.SessionTokens, TryParsePositive, "not a positive integer",
        "about how many prompt tokens the session run's conversation grows to");

    private static readonly Option<string?> SessionModel = Valued<string?>(
        "--session-model", "PATH", null, (string text, out string? value) => { value = text; return text.Length > 0; }, "empty",
        "the session run's GGUF model (default: stories260K.gguf in ../shared/models beside the repo)");

    private static readonly Option<IReadOnlyList<int>?> ScaleReplicas = Valued<IReadOnlyList<int>?>(
        "--scale", "LIST", null, TryParseLevels, "not a comma-separated list of positive integers",
        "instead of the usual bench: admission and dispatch cost with this many sim replicas, e.g. 1,4,16,32 (see --scale-*)");

    private static readonly Option<IReadOnlyList<int>?> ScalePools = Valued<IReadOnlyList<int>?>(
        "--scale-pools", "LIST", null, TryParseLevels, "not a comma-separated list of positive integers",
        $"pool counts the scale run spreads the replicas over (default {string.Join(',', Defaults.ScalePools)})");

    private static readonly Option<int> ScaleSlots = Valued(
        "--scale-slots", "N", Defaults.ScaleSlots, TryParsePositive, "not a positive integer",
        "slots per replica in the scale run");

    private static readonly Option<IReadOnlyList<int>?> ScaleDepths = Valued<IReadOnlyList<int>?>(
        "--scale-depths", "LIST", null, TryParseDepths, "not a comma-separated list of integers 0 or more",
        $"queue depths of the scale run (default {string.Join(',', Defaults.ScaleDepths)})");

    private static readonly Option<int> ScaleAdmissions = Valued(
        "--scale-admissions", "N", Defaults.ScaleAdmissions, TryParsePositive, "not a positive integer",
        "admissions measured per layout and depth");

    private static readonly Option<int> ScaleDispatches = Valued(
        "--scale-dispatches", "N", Defaults.ScaleDispatches, TryParsePositive, "not a positive integer",
        "dispatch cycles measured per layout and depth");

    private static readonly Option<double> ScaleTps = Valued(
        "--scale-tps", "N", Defaults.ScaleTokensPerSecond, PositiveNumber(allowZero: false), "not a positive number",
        "sim tokens per second per slot of the scale run (slow: the running tasks only hold their slots)");

    private static readonly Option<string[]> OrchestratorArgs = new("--orch-arg")
    {
        Description = "extra argument for every orchestratord the bench starts, repeatable (e.g. --orch-arg --Logging:LogLevel:Default=Warning)",
        HelpName = "ARG",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
    };

    private static readonly Option<Dictionary<string, string>> OrchestratorEnvironment = new("--orch-env")
    {
        Description = "extra environment variable for orchestratord, repeatable (e.g. DOTNET_gcServer=0)",
        HelpName = "NAME=VAL",
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = ParseEnvironment,
    };

    private static readonly RootCommand Command = CreateCommand();

    /// <summary>Arguments are taken as they are: no <c>@file</c> response files.</summary>
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null };

    /// <summary>The options, or null with <paramref name="error"/> set when the command line is wrong or asks for help (then it is null).</summary>
    public static BenchOptions? Parse(string[] args, out string? error)
    {
        var parsed = Command.Parse(args, Configuration);
        error = null;
        if (parsed.Action is HelpAction) return null;
        if (parsed.Errors.Count > 0)
        {
            error = string.Join("; ", parsed.Errors.Select(e => e.Message));
            return null;
        }

        var options = new BenchOptions
        {
            Levels = parsed.GetValue(Levels) ?? Defaults.Levels,
            DurationSeconds = parsed.GetValue(Duration),
            WarmupSeconds = parsed.GetValue(Warmup),
            MaxTokens = parsed.GetValue(MaxTokens),
            TokensPerSecond = parsed.GetValue(Tps),
            FloodClients = parsed.GetValue(FloodClients),
            FloodSeconds = parsed.GetValue(FloodSeconds),
            Only = parsed.GetValue(Only),
            Queued = parsed.GetValue(Queued),
            Live = parsed.GetValue(Live),
            GcDump = parsed.GetValue(GcDump),
            PredictDepths = parsed.GetValue(PredictDepths),
            PredictSlots = parsed.GetValue(PredictSlots),
            OpenAiLevels = parsed.GetValue(OpenAiLevels),
            UpstreamLevels = parsed.GetValue(UpstreamLevels),
            SessionTurns = parsed.GetValue(SessionTurns),
            SessionTokens = parsed.GetValue(SessionTokens),
            SessionModel = parsed.GetValue(SessionModel),
            ScaleReplicas = parsed.GetValue(ScaleReplicas),
            ScalePools = parsed.GetValue(ScalePools) ?? Defaults.ScalePools,
            ScaleSlots = parsed.GetValue(ScaleSlots),
            ScaleDepths = parsed.GetValue(ScaleDepths) ?? Defaults.ScaleDepths,
            ScaleAdmissions = parsed.GetValue(ScaleAdmissions),
            ScaleDispatches = parsed.GetValue(ScaleDispatches),
            ScaleTokensPerSecond = parsed.GetValue(ScaleTps),
            OrchestratorArgs = parsed.GetValue(OrchestratorArgs) ?? [],
            OrchestratorEnvironment = parsed.GetValue(OrchestratorEnvironment) ?? [],
        };
        if (options.MaxTokens >= options.CtxPerSlot)
        {
            error = $"--max-tokens must be below the {options.CtxPerSlot} tokens of context per slot";
            return null;
        }
        return options;
    }

    public static void WriteHelp(TextWriter output) =>
        Command.Parse(["--help"], Configuration).Invoke(new InvocationConfiguration { Output = output });

    private static RootCommand CreateCommand()
    {
        var command = new RootCommand(
            """
            orchestratord against llorch-engine alone, side by side (bench/README.md).
            Build first: dotnet build -c Release (the bench starts the Release orchestratord and llorch-engine).
            Run: dotnet run -c Release --project bench/LlamaOrch.Bench -- [options]
            """)
        {
            Levels, Duration, Warmup, MaxTokens, Tps, FloodClients, FloodSeconds, Only, Queued, Live, GcDump, PredictDepths, PredictSlots,
            OpenAiLevels, UpstreamLevels, SessionTurns, SessionTokens, SessionModel, ScaleReplicas, ScalePools, ScaleSlots, ScaleDepths,
            ScaleAdmissions, ScaleDispatches, ScaleTps, OrchestratorArgs, OrchestratorEnvironment,
        };
        command.Options.Remove(command.Options.OfType<VersionOption>().Single());
        command.Directives.Clear();
        return command;
    }

    private delegate bool TryParse<T>(string value, out T result);

    /// <summary>One value per use, the last use winning, and an error that says what the value should have been.</summary>
    private static Option<T> Valued<T>(string name, string valueName, T defaultValue, TryParse<T> tryParse, string expected, string description) =>
        new(name)
        {
            Description = description,
            HelpName = valueName,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var value = result.Tokens[^1].Value;
                if (tryParse(value, out var parsed)) return parsed;
                result.AddError($"{name}: '{value}' is {expected}");
                return defaultValue;
            },
        };

    private static Dictionary<string, string> ParseEnvironment(ArgumentResult result)
    {
        var environment = new Dictionary<string, string>();
        foreach (var token in result.Tokens)
        {
            var equals = token.Value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) result.AddError($"--orch-env: '{token.Value}' is not NAME=VALUE");
            else environment[token.Value[..equals]] = token.Value[(equals + 1)..];
        }
        return environment;
    }

    private static bool TryParseLevels(string value, out IReadOnlyList<int>? levels)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = new List<int>(parts.Length);
        foreach (var part in parts)
        {
            if (!TryParsePositive(part, out var level)) break;
            parsed.Add(level);
        }
        levels = parsed;
        return parsed.Count > 0 && parsed.Count == parts.Length;
    }

    private static bool TryParseDepths(string value, out IReadOnlyList<int>? depths)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var parsed = new List<int>(parts.Length);
        foreach (var part in parts)
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var depth)) break;
            parsed.Add(depth);
        }
        depths = parsed;
        return parsed.Count > 0 && parsed.Count == parts.Length;
    }

    private static bool TryParsePositive(string value, out int result) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result > 0;

    private static TryParse<double> PositiveNumber(bool allowZero) => (string value, out double result) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out result) && double.IsFinite(result)
        && (result > 0 || (allowZero && result == 0));
}
