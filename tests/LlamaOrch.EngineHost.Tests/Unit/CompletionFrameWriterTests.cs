using System.Buffers;
using System.Text;
using System.Text.Json;
using LlamaOrch.EngineHost.Protocol;
using LlamaOrch.EngineProtocol.Wire;

namespace LlamaOrch.EngineHost.Tests.Unit;

/// <summary>
/// Token frames are written from pre-encoded parts when the piece needs no escaping; they must be the bytes that
/// <see cref="Utf8JsonWriter"/> (with the engine's encoder) writes for the same object, escaping or not.
/// </summary>
public sealed class CompletionFrameWriterTests
{
    public static TheoryData<byte[], int, int, int> Pieces() => new()
    {
        { Encoding.UTF8.GetBytes(" Once"), 0, 1, 5 },
        { Encoding.UTF8.GetBytes(""), 15, 128, 0 },
        { Encoding.UTF8.GetBytes("héllo 🙂 €"), 3, 42, 300 },
        { Encoding.UTF8.GetBytes("say \"hi\"\n\tnow\\"), 1, 7, 12 },
        { Encoding.UTF8.GetBytes("<b>&'</b>"), 2, 9, 9 },
        { Encoding.UTF8.GetBytes("\u0001\u001f\u007f"), 4, 10, 1 },
        { Encoding.UTF8.GetBytes("\u2028\u2029"), 5, 11, 2 },
        { new byte[] { 0x61, 0xE2, 0x82 }, 6, 12, 3 }, // a cut-short character: ill-formed UTF-8
        { Encoding.UTF8.GetBytes(" word"), int.MaxValue, int.MinValue, int.MinValue },
        { Encoding.UTF8.GetBytes(new string('x', 5000)), 0, 1000000, int.MaxValue }, // longer than one output segment
    };

    [Theory]
    [MemberData(nameof(Pieces))]
    public void A_token_frame_is_what_Utf8JsonWriter_writes_for_the_same_object(byte[] piece, int slot, int predicted, int evaluated)
    {
        Assert.Equal(Expected(piece, slot, predicted, evaluated), Written(w => w.WriteTokenFrame(piece, slot, predicted, evaluated)));
    }

    [Fact]
    public void Frames_of_one_step_follow_each_other_whole_and_in_order()
    {
        var pieces = new[] { " The", " \"cat\"", " sat", "\n", " 🙂" };
        var written = Written(w =>
        {
            for (var k = 0; k < pieces.Length; k++) w.WriteTokenFrame(Encoding.UTF8.GetBytes(pieces[k]), 3, k + 1, 7);
        });

        var expected = pieces.SelectMany((p, k) => Expected(Encoding.UTF8.GetBytes(p), 3, k + 1, 7)).ToArray();
        Assert.Equal(expected, written);
        var frames = Encoding.UTF8.GetString(written).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(pieces, frames.Select(f => JsonDocument.Parse(f["data: ".Length..]).RootElement.GetProperty("content").GetString()));
    }

    private static byte[] Written(Action<CompletionFrameWriter> write)
    {
        // Small segments, so that a frame that does not fit the current one takes a fresh span as a pipe's would.
        var output = new ArrayBufferWriter<byte>(16);
        write(new CompletionFrameWriter(output, "stories260K"));
        return output.WrittenSpan.ToArray();
    }

    private static byte[] Expected(byte[] piece, int slot, int predicted, int evaluated)
    {
        var output = new ArrayBufferWriter<byte>();
        output.Write("data: "u8);
        using (var json = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = LlamaCppJsonContext.Relaxed.Options.Encoder }))
        {
            json.WriteStartObject();
            json.WriteString("content", piece);
            json.WriteBoolean("stop", false);
            json.WriteNumber("id_slot", slot);
            json.WriteNumber("tokens_predicted", predicted);
            json.WriteNumber("tokens_evaluated", evaluated);
            json.WriteEndObject();
        }
        output.Write("\n\n"u8);
        return output.WrittenSpan.ToArray();
    }
}
