namespace LlamaOrch.Server.Tools;

/// <summary>The audit log's <c>decision</c> values.</summary>
internal static class ToolDecisions
{
    public const string Allowed = "allowed";
    public const string Refused = "refused";
    public const string Failed = "failed";

    /// <summary>The call itself was refused with a 4xx (a bad URL, method, query, body…) before any policy check.</summary>
    public const string Invalid = "invalid";

    public static readonly string[] All = [Allowed, Refused, Failed, Invalid];
}
