using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using LlamaOrch.Core.Tasks;

namespace LlamaOrch.Core.Admission;

/// <summary>
/// The seed a task id gives when the task names none: the first four bytes of the SHA-256 of the id's canonical
/// spelling (<see cref="TaskStore.CanonicalId"/>), read by <see cref="BitConverter.ToUInt32(ReadOnlySpan{byte})"/> (little-endian on every machine .NET runs on here). Users and tests rely on
/// that value, so it never changes.
/// </summary>
/// <remarks>
/// A uuid's canonical spelling is 36 ASCII bytes, one SHA-256 block. Hashing that block here, on the stack, gives the
/// same digest as <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> without its call into the platform's
/// crypto library, which cost about 4 % of orchestratord's CPU in a flood of 429s (every request derives a seed).
/// Any other id takes the library's way.
/// </remarks>
public static class TaskSeed
{
    private const int UuidChars = 36;

    public static long FromTaskId(string taskId)
    {
        if (Guid.TryParse(taskId, out var uuid))
        {
            Span<byte> canonical = stackalloc byte[UuidChars];
            uuid.TryFormat(canonical, out _, "D");
            return FirstWordOfDigest(canonical);
        }
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(TaskStore.CanonicalId(taskId)), hash);
        return BitConverter.ToUInt32(hash);
    }

    private static ReadOnlySpan<uint> K =>
    [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ];

    /// <summary>
    /// SHA-256 (FIPS 180-4) of a message of at most 55 bytes, which pads to a single block; only the digest's first four
    /// bytes are kept, read as <see cref="FromTaskId"/> has always read them.
    /// </summary>
    internal static uint FirstWordOfDigest(ReadOnlySpan<byte> message)
    {
        Span<byte> block = stackalloc byte[64];
        block.Clear();
        message.CopyTo(block);
        block[message.Length] = 0x80;
        BinaryPrimitives.WriteUInt64BigEndian(block[56..], (ulong)message.Length * 8);

        Span<uint> w = stackalloc uint[64];
        for (var t = 0; t < 16; t++) w[t] = BinaryPrimitives.ReadUInt32BigEndian(block[(t * 4)..]);
        for (var t = 16; t < 64; t++)
        {
            var s0 = BitOperations.RotateRight(w[t - 15], 7) ^ BitOperations.RotateRight(w[t - 15], 18) ^ (w[t - 15] >> 3);
            var s1 = BitOperations.RotateRight(w[t - 2], 17) ^ BitOperations.RotateRight(w[t - 2], 19) ^ (w[t - 2] >> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }

        uint a = 0x6a09e667, b = 0xbb67ae85, c = 0x3c6ef372, d = 0xa54ff53a, e = 0x510e527f, f = 0x9b05688c, g = 0x1f83d9ab, h = 0x5be0cd19;
        var k = K;
        for (var t = 0; t < 64; t++)
        {
            var t1 = h + (BitOperations.RotateRight(e, 6) ^ BitOperations.RotateRight(e, 11) ^ BitOperations.RotateRight(e, 25)) + ((e & f) ^ (~e & g)) + k[t] + w[t];
            var t2 = (BitOperations.RotateRight(a, 2) ^ BitOperations.RotateRight(a, 13) ^ BitOperations.RotateRight(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        // The digest's first word is big-endian in the digest; BitConverter read its four bytes in the machine's order.
        var first = 0x6a09e667 + a;
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(first) : first;
    }
}
