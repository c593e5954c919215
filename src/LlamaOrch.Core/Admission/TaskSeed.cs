using System.Security.Cryptography;
using System.Text;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// The seed a task id gives when the task names none: the first four bytes of the SHA-256 of the id's canonical
/// spelling (<see cref="TaskStore.CanonicalId"/>), read by <see cref="BitConverter.ToUInt32(ReadOnlySpan{byte})"/>
/// (little-endian on every machine .NET runs on here). Users and tests rely on that value, so it never changes.
/// </summary>
public static class TaskSeed
{
    /// <summary>Longer ids than this are hashed from the heap; a uuid's 36 characters and usual ids stay on the stack.</summary>
    private const int StackBytes = 256;

    public static uint FromTaskId(string taskId)
    {
        // Every admitted task without a seed of its own derives one: the id is encoded on the stack, not in a new array.
        var canonical = TaskStore.CanonicalId(taskId);
        var length = Encoding.UTF8.GetByteCount(canonical);
        Span<byte> utf8 = length <= StackBytes ? stackalloc byte[length] : new byte[length];
        Encoding.UTF8.GetBytes(canonical, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, hash);
        return BitConverter.ToUInt32(hash);
    }
}
