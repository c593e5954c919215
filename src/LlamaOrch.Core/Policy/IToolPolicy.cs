using System.Net;

namespace LlamaOrch.Core.Policy;

/// <summary>
/// Decides whether a tool may reach a target. The fetcher asks <see cref="CheckTarget"/> for every URL it is
/// about to request (the first and every redirect hop), then <see cref="CheckAddress"/> for every address the
/// host resolves to, and connects only to an address that passed. Register another implementation as a
/// singleton <c>IToolPolicy</c> to replace <see cref="ConfiguredToolPolicy"/>; the checks must not block.
/// </summary>
public interface IToolPolicy
{
    ToolDecision CheckTarget(Uri url);

    ToolDecision CheckAddress(Uri url, IPAddress address);
}
