using System.CommandLine.Parsing;
using System.CommandLine;

namespace LlamaOrch.Cli.Arguments;

/// <summary>Checks of ids that the server would refuse anyway, made before any request so the message is llorch's and immediate.</summary>
internal static class Ids
{
    /// <summary>A session id must be a uuid (the server's rule for <c>session_id</c>).</summary>
    public static void MustBeUuid(ArgumentResult result)
    {
        foreach (var token in result.Tokens)
            if (!Guid.TryParse(token.Value, out _))
                result.AddError($"'{token.Value}' is not a session id: a session id is a uuid, e.g. 3f0c9a52-6f1e-4c1b-9a57-5d4b1a0f2c11");
    }

    /// <summary>A page size from 1 to <paramref name="most"/> (the server's limit on the listing).</summary>
    public static Option<int?> Limit(string what, int most = 1000) => new("--limit")
    {
        Description = $"most {what} per page (1 to {most}; default the server's)",
        Validators = { r => { if (r.GetValueOrDefault<int?>() is { } n && (n < 1 || n > most)) r.AddError($"--limit: from 1 to {most}"); } },
    };
}
