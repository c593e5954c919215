using LlamaOrch.Client;
using LlamaOrch.Pact.Tests.Ffi;

namespace LlamaOrch.Pact.Tests.Consumer;

/// <summary>
/// One interaction of the pact and the SDK call that makes it: <see cref="Define"/> states the request the CLI sends
/// and the answer it relies on; <see cref="Exercise"/> makes that call through <see cref="LlamaOrchClient"/> (carrying
/// <see cref="CorrelationId"/>) and checks what the SDK read from it.
/// </summary>
internal sealed record CliExpectation(string Description, string CorrelationId, Action<Interaction> Define, Func<LlamaOrchClient, Task> Exercise);
