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
        var dataFlowRules = options.DataFlow.ToRules();
        var customDataFlow = TypeOf(options, options.DataFlowPolicyType, typeof(IDataFlowPolicy), "DataFlowPolicyType");
        if (customDataFlow is null) services.AddSingleton<IDataFlowPolicy>(new ConfiguredDataFlowPolicy(dataFlowRules));
        else services.AddSingleton(typeof(IDataFlowPolicy), customDataFlow);
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
        if (string.IsNullOrEmpty(options.PolicyType) && string.IsNullOrEmpty(options.DataFlowPolicyType) && !string.IsNullOrEmpty(options.PolicyAssembly))
            throw new ConfigurationException("Orchestrator:Tools:PolicyAssembly is set but neither Orchestrator:Tools:PolicyType nor Orchestrator:Tools:DataFlowPolicyType is");
        return TypeOf(options, options.PolicyType, typeof(IToolPolicy), "PolicyType");
    }

    private static Type? TypeOf(ToolsOptions options, string? typeName, Type contract, string key)
    {
        if (string.IsNullOrEmpty(typeName)) return null;
        Type? type;
        try
        {
            type = string.IsNullOrEmpty(options.PolicyAssembly)
                ? Type.GetType(typeName)
                : Assembly.LoadFrom(options.PolicyAssembly).GetType(typeName);
        }
        catch (Exception error) when (error is IOException or BadImageFormatException or TypeLoadException)
        {
            throw new ConfigurationException($"Orchestrator:Tools:PolicyAssembly: cannot load '{options.PolicyAssembly}': {error.Message}");
        }
        if (type is null || !contract.IsAssignableFrom(type) || type.IsAbstract)
            throw new ConfigurationException($"Orchestrator:Tools:{key}: '{typeName}' is not a concrete {contract.Name} in {options.PolicyAssembly ?? "orchestratord"}");
        return type;
    }
}
