namespace LlamaOrch.Core.Policy;

/// <summary>
/// Decides what of a task's prompt or an artifact's content may flow on (FR-SI-002): allow, redact or refuse. Asked
/// once per text (a prompt, each input, each string of an artifact) before it is queued or stored. Register another
/// implementation as a singleton <c>IDataFlowPolicy</c> (<c>Orchestrator:Tools:DataFlowPolicyType</c>) to replace
/// <see cref="ConfiguredDataFlowPolicy"/>; the check must not block and must be thread-safe.
/// </summary>
public interface IDataFlowPolicy
{
    DataFlowDecision Check(DataFlowScope where, string text);
}
