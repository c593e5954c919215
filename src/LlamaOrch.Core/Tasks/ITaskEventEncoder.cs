using System.Buffers;

namespace LlamaOrch.Core.Tasks;

/// <summary>
/// A front door's framing of task events (the task API's SSE, later OpenAI's or Anthropic's). The instance
/// is the key under which a task's log keeps this door's bytes, so a door uses one instance for all its readers.
/// </summary>
public interface ITaskEventEncoder
{
    /// <summary>
    /// Writes the complete wire bytes of one event to <paramref name="output"/>. The log calls it once per event
    /// and door, under the task's lock, so it must be quick and must not call back into the task.
    /// </summary>
    void Encode(in TaskEventView taskEvent, IBufferWriter<byte> output);
}
