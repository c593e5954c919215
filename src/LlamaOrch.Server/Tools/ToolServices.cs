using System.Reflection;
using LlamaOrch.Core.Policy;
using LlamaOrch.Server.Configuration;

namespace LlamaOrch.Server.Tools;

/// <summary>Registers the tool policy (the configured default, or the operator's own type), the HTTP and search tools, the calls both doors make, and the audit log.</summary>
internal static class ToolServices
{
    public static void AddOrchestratorTools(this IServiceCollection services, ToolsOptions options, string dataDir)
    {
        var policyOptions = options.Http.ToPolicyOptions();
        services.AddSingleton(policyOptions);
        services.AddSingleton(new SecretRedactor(policyOptions.RedactPatterns));
        var custom = PolicyTypeOf(options);
        if (custom is null) services.AddSingleton<IToolPolicy, ConfiguredToolPolicy>();
        else services.AddSingleton(typeof(IToolPolicy), custom);
        services.AddSingleton(options.Search.ToSettings(policyOptions));
        services.AddSingleton<CheckedHttpClient>();
        services.AddSingleton<HttpFetchTool>();
        services.AddSingleton<SearchTool>();
        services.AddSingleton<ToolCalls>();
        services.AddSingleton(new ToolAuditLog(dataDir));
    }

    /// <summary>Checked at start, so a typo in the configuration stops orchestratord rather than the first tool call.</summary>
    private static Type? PolicyTypeOf(ToolsOptions options)
    {
        if (string.IsNullOrEmpty(options.PolicyType))
        {
            return string.IsNullOrEmpty(options.PolicyAssembly) ? null
                : throw new ConfigurationException("Orchestrator:Tools:PolicyAssembly is set but Orchestrator:Tools:PolicyType is not");
        }
        Type? type;
        try
        {
            type = string.IsNullOrEmpty(options.PolicyAssembly)
                ? Type.GetType(options.PolicyType)
                : Assembly.LoadFrom(options.PolicyAssembly).GetType(options.PolicyType);
        }
        catch (Exception error) when (error is IOException or BadImageFormatException or TypeLoadException)
        {
            throw new ConfigurationException($"Orchestrator:Tools:PolicyAssembly: cannot load '{options.PolicyAssembly}': {error.Message}");
        }
        if (type is null || !typeof(IToolPolicy).IsAssignableFrom(type) || type.IsAbstract)
            throw new ConfigurationException($"Orchestrator:Tools:PolicyType: '{options.PolicyType}' is not a concrete IToolPolicy in {options.PolicyAssembly ?? "orchestratord"}");
        return type;
    }
}
