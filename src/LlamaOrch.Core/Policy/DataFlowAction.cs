namespace LlamaOrch.Core.Policy;

/// <summary>What a data-flow rule does with text it matches.</summary>
public enum DataFlowAction
{
    /// <summary>Let the text through as it is and check no later rule: an exemption placed before broader rules.</summary>
    Allow,

    /// <summary>Mask what the rule matched and go on with the later rules.</summary>
    Redact,

    /// <summary>Refuse the whole prompt or artifact.</summary>
    Refuse,
}
