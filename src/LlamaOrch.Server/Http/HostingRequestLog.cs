using Microsoft.Extensions.Logging.Console;

namespace LlamaOrch.Server.Http;

/// <summary>
/// ASP.NET's request log (category <c>Microsoft.AspNetCore.Hosting.Diagnostics</c>): once orchestratord serves requests it
/// is off unless its configured level lets its request lines through (Information or lower). While that logger is enabled
/// at any level, ASP.NET starts an <see cref="System.Diagnostics.Activity"/> and opens a logging scope for every request
/// even though, at the shipped <c>Microsoft.AspNetCore: Warning</c>, it writes no request line at all: about a quarter of
/// what a refused request allocated (bench/README.md, 2026-12-07). Before the server has started the configured level
/// applies unchanged, so the category's start-up warnings and errors still show. With tracing on, OpenTelemetry's
/// listener still makes ASP.NET start the request's Activity, so spans and the lines' TraceId/SpanId are unchanged.
/// </summary>
internal sealed class HostingRequestLog
{
    public const string Category = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private readonly LogLevel _configured;
    private volatile bool _serving;

    private HostingRequestLog(LogLevel configured) => _configured = configured;

    /// <summary>
    /// Installs the filter unless the configuration lets the request lines through; the returned switch (null then)
    /// must hear <see cref="Serving"/> once the server has started.
    /// </summary>
    public static HostingRequestLog? Configure(ILoggingBuilder logging, IConfiguration configuration)
    {
        var configured = ConfiguredLevel(configuration);
        if (configured <= LogLevel.Information) return null;
        var log = new HostingRequestLog(configured);
        // Console-specific, so that it wins over the configuration's rules for this category (it is only added when they
        // would print no request line); the console is orchestratord's only log provider.
        logging.AddFilter<ConsoleLoggerProvider>(Category, log.Enabled);
        return log;
    }

    /// <summary>From now on the category is off: the host has started, so what it would still log is per request.</summary>
    public void Serving() => _serving = true;

    private bool Enabled(LogLevel level) => !_serving && level >= _configured;

    /// <summary>
    /// The level the configuration gives the category for the console, chosen as the logging rules choose: the console's own
    /// <c>Logging:Console:LogLevel</c> rules before the general <c>Logging:LogLevel</c> ones, the longest matching category
    /// first, <c>Default</c> last; Information (the logging default) when nothing is configured.
    /// </summary>
    internal static LogLevel ConfiguredLevel(IConfiguration configuration) =>
        LevelIn(configuration.GetSection("Logging:Console:LogLevel")) ?? LevelIn(configuration.GetSection("Logging:LogLevel")) ?? LogLevel.Information;

    private static LogLevel? LevelIn(IConfigurationSection rules)
    {
        string? bestName = null;
        LogLevel? best = null;
        foreach (var rule in rules.GetChildren())
        {
            if (!Enum.TryParse<LogLevel>(rule.Value, ignoreCase: true, out var level)) continue;
            var name = rule.Key.Equals("Default", StringComparison.OrdinalIgnoreCase) ? string.Empty : rule.Key;
            if (!Matches(name) || (bestName is not null && bestName.Length > name.Length)) continue;
            (bestName, best) = (name, level);
        }
        return best;
    }

    /// <summary>A rule's category matches as a prefix, with at most one <c>*</c> wildcard, as <c>LoggerFilterOptions</c> reads it.</summary>
    private static bool Matches(string rule)
    {
        var star = rule.IndexOf('*');
        if (star < 0) return Category.StartsWith(rule, StringComparison.OrdinalIgnoreCase);
        var (prefix, suffix) = (rule[..star], rule[(star + 1)..]);
        return Category.Length >= prefix.Length + suffix.Length
               && Category.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
               && Category.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);
    }
}
