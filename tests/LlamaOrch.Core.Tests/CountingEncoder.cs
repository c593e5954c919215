using System.Buffers;
using System.Text;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Tests;

/// <summary>A door for tests: frames an event as <c>NAME:TEXT|</c> (a token) or <c>NAME:KIND|</c>, and counts its calls.</summary>
internal sealed class CountingEncoder(string name) : ITaskEventEncoder
{
    private int _calls;

    public string Name => name;

    public int Calls => Volatile.Read(ref _calls);

    public void Encode(in TaskEventView taskEvent, IBufferWriter<byte> output)
    {
        Interlocked.Increment(ref _calls);
        var body = taskEvent.Kind == TaskEventKind.Token ? Encoding.UTF8.GetString(taskEvent.TokenUtf8) : taskEvent.Kind.ToString();
        output.Write(Encoding.UTF8.GetBytes($"{name}:{body}|"));
    }
}
