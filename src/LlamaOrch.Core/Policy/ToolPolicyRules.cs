namespace LlamaOrch.Core.Policy;

/// <summary>The names of the rules a tool policy refuses by: the <c>policy_label</c> of a 403 and the <c>rule</c> of an audit row.</summary>
public static class ToolPolicyRules
{
    public const string Scheme = "tool-scheme";
    public const string Port = "tool-port";
    public const string DenyList = "tool-deny-list";
    public const string AllowList = "tool-allow-list";
    public const string AddressClass = "tool-address-class";
    public const string Redirects = "tool-redirects";
}
