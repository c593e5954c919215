using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.Server.Tools;

/// <summary>The <c>Orchestrator:Tools</c> section: the HTTP tool's policy and limits, the search backend, and an optional policy of the operator's own.</summary>
internal sealed class ToolsOptions
{
    public HttpToolOptions Http { get; set; } = new();

    public SearchToolOptions Search { get; set; } = new();

    /// <summary>A DLL holding <see cref="PolicyType"/>; the policy type is looked up in orchestratord's own assemblies when absent.</summary>
    public string? PolicyAssembly { get; set; }

    /// <summary>The full name of a public <see cref="IToolPolicy"/> to use instead of <see cref="ConfiguredToolPolicy"/>.</summary>
    public string? PolicyType { get; set; }

    /// <summary>The data-flow rules on prompts and artifacts (docs/tools-and-policy.md).</summary>
    public DataFlowOptions DataFlow { get; set; } = new();

    /// <summary>The full name of a public <see cref="IDataFlowPolicy"/> to use instead of <see cref="ConfiguredDataFlowPolicy"/>, looked up like <see cref="PolicyType"/>.</summary>
    public string? DataFlowPolicyType { get; set; }
}

/// <summary><c>Orchestrator:Tools:DataFlow</c>: the rules of <see cref="ConfiguredDataFlowPolicy"/>.</summary>
internal sealed class DataFlowOptions
{
    /// <summary>False: no rule at all (every prompt and artifact passes as it is).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The rules in order; null keeps the default, <see cref="DataFlowRule.DefaultSecrets"/>.</summary>
    public List<DataFlowRuleOptions>? Rules { get; set; }

    /// <summary>Validated; throws <see cref="ConfigurationException"/> naming the bad key.</summary>
    public IReadOnlyList<DataFlowRule> ToRules()
    {
        if (!Enabled) return [];
        if (Rules is null) return [DataFlowRule.DefaultSecrets];
        var rules = new List<DataFlowRule>();
        for (var index = 0; index < Rules.Count; index++)
        {
            var key = $"Orchestrator:Tools:DataFlow:Rules:{index}";
            var given = Rules[index];
            if (string.IsNullOrWhiteSpace(given.Name)) throw new ConfigurationException($"{key}:Name is required (it is the policy_label of a refusal)");
            if (rules.Any(r => r.Name == given.Name)) throw new ConfigurationException($"{key}:Name: '{given.Name}' names two rules");
            var action = given.Action switch
            {
                "allow" => DataFlowAction.Allow,
                "redact" => DataFlowAction.Redact,
                "refuse" => DataFlowAction.Refuse,
                _ => throw new ConfigurationException($"{key}:Action: '{given.Action}' is not allow, redact or refuse"),
            };
            var scope = given.AppliesTo switch
            {
                null or "both" => DataFlowScope.Both,
                "prompts" => DataFlowScope.Prompts,
                "artifacts" => DataFlowScope.Artifacts,
                _ => throw new ConfigurationException($"{key}:AppliesTo: '{given.AppliesTo}' is not prompts, artifacts or both"),
            };
            var rule = new DataFlowRule(given.Name, action, scope, string.IsNullOrEmpty(given.Pattern) ? null : given.Pattern, given.Detectors);
            try
            {
                _ = new ConfiguredDataFlowPolicy([rule]);
            }
            catch (ArgumentException error)
            {
                throw new ConfigurationException($"{key}: {error.Message}");
            }
            rules.Add(rule);
        }
        return rules;
    }
}

/// <summary>One entry of <c>Orchestrator:Tools:DataFlow:Rules</c>.</summary>
internal sealed class DataFlowRuleOptions
{
    public string? Name { get; set; }

    /// <summary>A regex; a group named <c>secret</c> masks only that group.</summary>
    public string? Pattern { get; set; }

    /// <summary>Names of built-in detectors (<see cref="SecretRedactor.Detectors"/>).</summary>
    public List<string>? Detectors { get; set; }

    /// <summary><c>prompts</c>, <c>artifacts</c> or <c>both</c> (the default).</summary>
    public string? AppliesTo { get; set; }

    /// <summary><c>allow</c>, <c>redact</c> or <c>refuse</c>.</summary>
    public string? Action { get; set; }
}

/// <summary><c>Orchestrator:Tools:Http</c>; lists are null until set, as binding would otherwise append to a default list.</summary>
internal sealed class HttpToolOptions
{
    public List<string>? AllowHosts { get; set; }
    public List<string>? DenyHosts { get; set; }
    public List<string>? Schemes { get; set; }
    public List<int>? Ports { get; set; }
    public int? MaxResponseBytes { get; set; }
    public int? TimeoutMs { get; set; }
    public int? MaxRedirects { get; set; }
    public List<string>? RedactPatterns { get; set; }
    public bool? RedactOutgoing { get; set; }
    public bool? RedactIncoming { get; set; }

    /// <summary>Validated; throws <see cref="ConfigurationException"/> naming the bad key.</summary>
    public ToolPolicyOptions ToPolicyOptions()
    {
        var defaults = new ToolPolicyOptions();
        const string prefix = "Orchestrator:Tools:Http:";
        foreach (var port in Ports ?? [])
        {
            if (port is < 1 or > 65535) throw new ConfigurationException($"{prefix}Ports: {port} is not a TCP port");
        }
        if (Schemes?.FirstOrDefault(s => s is not ("http" or "https")) is { } scheme)
            throw new ConfigurationException($"{prefix}Schemes: '{scheme}' is not supported (http, https)");
        foreach (var pattern in RedactPatterns ?? [])
        {
            try
            {
                _ = new SecretRedactor([pattern]);
            }
            catch (Exception error) when (error is ArgumentException or NotSupportedException)
            {
                throw new ConfigurationException($"{prefix}RedactPatterns: '{pattern}' cannot be used: {error.Message}");
            }
        }
        var options = new ToolPolicyOptions
        {
            AllowHosts = AllowHosts ?? defaults.AllowHosts,
            DenyHosts = DenyHosts ?? defaults.DenyHosts,
            Schemes = Schemes ?? defaults.Schemes,
            Ports = Ports ?? defaults.Ports,
            MaxResponseBytes = AtLeast(MaxResponseBytes ?? defaults.MaxResponseBytes, 1, prefix + "MaxResponseBytes"),
            TimeoutMs = AtLeast(TimeoutMs ?? defaults.TimeoutMs, 1, prefix + "TimeoutMs"),
            MaxRedirects = AtLeast(MaxRedirects ?? defaults.MaxRedirects, 0, prefix + "MaxRedirects"),
            RedactPatterns = RedactPatterns ?? defaults.RedactPatterns,
            RedactOutgoing = RedactOutgoing ?? defaults.RedactOutgoing,
            RedactIncoming = RedactIncoming ?? defaults.RedactIncoming,
        };
        try
        {
            // The host entries are read as the policy reads them: an entry it could never match is refused here.
            _ = new ConfiguredToolPolicy(options);
        }
        catch (ArgumentException error)
        {
            throw new ConfigurationException(prefix + error.Message);
        }
        return options;
    }

    private static int AtLeast(int value, int least, string key) =>
        value >= least ? value : throw new ConfigurationException($"{key} must be {least} or more (got {value})");
}
