namespace LlamaOrch.Core.Tasks;

/// <summary>
/// A front door's framing of task events (the task API's SSE, later OpenAI's or Anthropic's). The instance
/// is the key under which each event keeps this door's bytes, so a door uses one instance for all its readers.
/// </summary>
public interface ITaskEventEncoder
{
    /// <summary>The complete wire bytes of one event; called once per event by <see cref="TaskEvent.EncodedBy"/>.</summary>
    byte[] Encode(TaskEvent taskEvent);
}
