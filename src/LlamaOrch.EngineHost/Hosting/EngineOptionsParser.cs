using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Net;
using LlamaOrch.EngineProtocol.Simulation;

namespace LlamaOrch.EngineHost.Hosting;

/// <summary>
/// Parses the subset of llama-server's command line that llorch-engine understands, under the same names, so
/// the supervisor can start either binary with one argument list. As in llama-server, a valued option given
/// twice takes its last value: a pool's engine arguments follow the supervisor's own and override them.
/// </summary>
internal static class EngineOptionsParser
{
    public const int DefaultPort = 8080;
    public const int DefaultContextPerSlot = 4096;

    private static readonly Option<string?> Model = Valued<string?>(
        ["--model", "-m"], "REF", null, Text, "",
        """
        model to serve (required): a GGUF file (a path or file:/abs/path.gguf), or sim:NAME[?tps=N][&vram_mib=M], synthetic
        tokens, N per second per slot (default 50, 0 = unpaced); M is the GPU memory orchestratord places it as
        needing (the engine allocates none)
        """);

    private static readonly Option<int> Threads = Valued(
        ["--threads", "-t"], "N", 1, Int(1, 1024), IntRange(1, 1024),
        "llama.cpp threads (on small machines more than 1 can be much slower)");

    private static readonly Option<string?> LibraryDirectory = Valued<string?>(
        ["--lib-dir"], "DIR", null, Text, "",
        "llama.cpp libraries to use instead of the shipped ones (e.g. a CUDA build)");

    private static readonly Option<int> GpuLayers = Valued(
        ["--n-gpu-layers", "-ngl", "--gpu-layers"], "N", -1, Int(-1, int.MaxValue), IntRange(-1, int.MaxValue),
        "layers to offload to the GPU (-1: all; no effect on the CPU build)");

    private static readonly Option<IPAddress> Host = Valued(
        ["--host"], "ADDR", IPAddress.Loopback, TryParseAddress, "not an IP address or 'localhost'",
        "address to listen on");

    private static readonly Option<int> Port = Valued(
        ["--port"], "N", DefaultPort, Int(0, IPEndPoint.MaxPort), IntRange(0, IPEndPoint.MaxPort),
        "port to listen on (0: any free port)");

    private static readonly Option<int> Slots = Valued(
        ["--parallel", "-np"], "N", 1, Int(1, int.MaxValue), IntRange(1, int.MaxValue),
        "number of slots");

    private static readonly Option<int> ContextSize = Valued(
        ["--ctx-size", "-c"], "N", 0, Int(0, int.MaxValue), IntRange(0, int.MaxValue),
        "context size across all slots; each slot gets N / slots (0: 4096 per slot)");

    // No default value: the help would show -1, the value llama.cpp takes for auto.
    private static readonly Option<int?> FlashAttention = Valued<int?>(
        ["--flash-attn", "-fa"], "V", null, TryParseFlashAttention, "not on, off or auto",
        "flash attention: on, off or auto (default auto, as llama-server; on a CPU with a tiny model, off can decode batches much faster)");

    private static readonly Option<bool> Embedding = Flag(
        ["--embedding", "--embeddings"], "also serve POST /embedding (pooled as --pooling says, L2-normalised vectors)");

    // llama-server's --pooling, for the embeddings llorch-engine serves: none and rank give no one vector per text.
    private static readonly Option<int?> Pooling = Valued<int?>(
        ["--pooling"], "TYPE", null, TryParsePooling, "not mean, cls or last",
        "how /embedding pools a text's token vectors: mean (the default), cls or last (the model's own, where its GGUF names one)");

    private static readonly Option<bool> Reranking = Flag(
        ["--reranking", "--rerank"], "also serve POST /rerank (needs a model with a classification head)");

    private static readonly Option<bool> Metrics = Flag(
        ["--metrics"], "accepted for llama-server compatibility; /metrics is always served");

    private static readonly RootCommand Command = CreateCommand();

    /// <summary>
    /// Arguments are taken as they are, as llama-server takes them: no <c>@file</c> response files (a model ref is
    /// never read as one) and no bundling (<c>-tb</c> is an unknown option, not <c>-t b</c>).
    /// </summary>
    private static readonly ParserConfiguration Configuration = new() { ResponseFileTokenReplacer = null, EnablePosixBundling = false };

    public static EngineOptionsParseResult Parse(IReadOnlyList<string> args)
    {
        var parsed = Command.Parse(args, Configuration);
        if (parsed.Action is HelpAction)
        {
            return EngineOptionsParseResult.Help;
        }

        if (parsed.Errors.Count > 0)
        {
            return EngineOptionsParseResult.Failure(string.Join("; ", parsed.Errors.Select(e => e.Message)));
        }

        if (parsed.GetValue(Model) is not { } model)
        {
            return EngineOptionsParseResult.Failure("argument '-m/--model' is required");
        }

        SimModelRef? simModel = null;
        if (SimRef.IsSimRef(model) && !SimModelRef.TryParse(model, out simModel, out var modelError))
        {
            return EngineOptionsParseResult.Failure($"argument '--model': {modelError}");
        }

        var slots = parsed.GetValue(Slots);
        var totalContext = parsed.GetValue(ContextSize);
        var contextPerSlot = totalContext == 0 ? DefaultContextPerSlot : totalContext / slots;
        if (contextPerSlot < 1)
        {
            return EngineOptionsParseResult.Failure(
                $"argument '--ctx-size': {totalContext} tokens across {slots} slots leaves no context per slot");
        }

        return EngineOptionsParseResult.Success(new EngineOptions(
            model, simModel, simModel is null ? ModelPathOf(model) : null, parsed.GetRequiredValue(Host), parsed.GetValue(Port), slots,
            contextPerSlot, parsed.GetValue(Threads), parsed.GetValue(LibraryDirectory), parsed.GetValue(Embedding),
            parsed.GetValue(GpuLayers), parsed.GetValue(Reranking), parsed.GetValue(FlashAttention) ?? -1,
            parsed.GetValue(Pooling) ?? EngineOptions.MeanPooling));
    }

    /// <summary>Writes the generated help: every option with its aliases, value and description.</summary>
    public static void WriteHelp(TextWriter output) =>
        Command.Parse(["--help"], Configuration).Invoke(new InvocationConfiguration { Output = output });

    private static RootCommand CreateCommand()
    {
        var command = new RootCommand(
            """
            llorch-engine: one model, N slots, llama.cpp server's HTTP API.
            Environment: LLORCH_PARENT_PID=PID makes the engine exit once that process is gone.
            """)
        {
            Model, Threads, LibraryDirectory, GpuLayers, Host, Port, Slots, ContextSize, FlashAttention, Embedding, Pooling, Reranking, Metrics,
        };
        // llama-server has neither --version nor [directives]; without them the surface is exactly the options above.
        command.Options.Remove(command.Options.OfType<VersionOption>().Single());
        command.Directives.Clear();
        return command;
    }

    private delegate bool TryParse<T>(string value, out T result);

    /// <summary>
    /// An option with one value per use where the last use wins, and an error that names the argument as it
    /// was spelled and says what the value should have been.
    /// </summary>
    private static Option<T> Valued<T>(string[] names, string valueName, T defaultValue, TryParse<T> tryParse, string expected, string description) =>
        new(names[0], names[1..])
        {
            Description = description.ReplaceLineEndings(" "),
            HelpName = valueName,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = result =>
            {
                var name = (result.Parent as OptionResult)?.IdentifierToken?.Value ?? names[0];
                var value = result.Tokens[^1].Value;
                // "-m -m": the second is taken as the value; a value that is an option's name is one forgotten.
                if (IsOptionName(value))
                {
                    result.AddError($"argument '{name}' needs a value");
                }
                else if (tryParse(value, out var parsed))
                {
                    return parsed;
                }
                else
                {
                    result.AddError($"argument '{name}': '{value}' is {expected}");
                }

                return defaultValue;
            },
        };

    private static Option<bool> Flag(string[] names, string description) =>
        new(names[0], names[1..]) { Description = description, Arity = ArgumentArity.Zero };

    private static bool IsOptionName(string value) =>
        value.StartsWith('-') && Command.Options.Any(o => o.Name == value || o.Aliases.Contains(value));

    private static bool Text(string value, out string? text)
    {
        text = value;
        return true;
    }

    private static TryParse<int> Int(int min, int max) => (string value, out int result) =>
        int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result) && result >= min && result <= max;

    private static string IntRange(int min, int max) =>
        max == int.MaxValue ? $"not an integer >= {min}" : $"not an integer from {min} to {max}";

    private static bool TryParseAddress(string value, out IPAddress address)
    {
        if (string.Equals(value, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
            return true;
        }

        return IPAddress.TryParse(value, out address!);
    }

    /// <summary>llama-server's spellings: on/off/auto and their truthy and falsy synonyms.</summary>
    /// <summary>llama-server's names for <c>enum llama_pooling_type</c>, of the kinds that give one vector per text.</summary>
    private static bool TryParsePooling(string value, out int? pooling)
    {
        pooling = value switch
        {
            "mean" => EngineOptions.MeanPooling,
            "cls" => 2,
            "last" => 3,
            _ => null,
        };
        return pooling is not null;
    }

    private static bool TryParseFlashAttention(string value, out int? setting)
    {
        setting = value.ToLowerInvariant() switch
        {
            "on" or "enabled" or "true" or "1" => 1,
            "off" or "disabled" or "false" or "0" => 0,
            "auto" or "-1" => -1,
            _ => null,
        };
        return setting is not null;
    }

    /// <summary>The file of a <c>file:</c> or plain-path ref; null for refs that must be resolved (hf:, https:).</summary>
    private static string? ModelPathOf(string model)
    {
        if (model.StartsWith("file:", StringComparison.Ordinal)) return model["file:".Length..];
        return model.Contains("://", StringComparison.Ordinal) || model.StartsWith("hf:", StringComparison.Ordinal) ? null : model;
    }
}
