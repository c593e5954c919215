using System.Net;
using LlamaOrch.EngineHost.Simulation;

namespace LlamaOrch.EngineHost.Hosting;

/// <summary>The validated command line of one engine process.</summary>
/// <param name="Model">The model to serve; only synthetic models exist in this build.</param>
/// <param name="ListenAddress">The address Kestrel binds.</param>
/// <param name="Port">The TCP port; 0 asks the OS for a free one.</param>
/// <param name="Slots">Concurrent sequences (llama-server's <c>--parallel</c>).</param>
/// <param name="ContextPerSlot">Tokens of context each slot holds: prompt plus prediction.</param>
internal sealed record EngineOptions(
    SimModelRef Model,
    IPAddress ListenAddress,
    int Port,
    int Slots,
    int ContextPerSlot);
