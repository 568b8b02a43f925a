using System.Text;
using System.Text.Json;
using CsCheck;
using Imguard.Audit.Api;
using Imguard.Contracts.Audit;

namespace Imguard.Audit.Tests.Api;

/// <summary>
/// The audit server reads event batches from the platform and both parties: whatever bytes arrive, reading them ends
/// in a batch, or in a <see cref="JsonException"/> (the framework answers 400) or an <see cref="ArgumentException"/>
/// (the endpoint answers 400) — never another exception, which would be a 500. Random bytes, random JSON shaped
/// like a batch, and valid batches with bytes flipped, cut or inserted.
/// </summary>
public sealed class AuditEventBatchPropertyTests
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly string ValidBatch = JsonSerializer.Serialize(new AuditEventBatch
    {
        Events =
        [
            new AuditEventMessage
            {
                EventId = "0123456789abcdef0123456789abcdef", EventType = "dataset.half_received", Actor = "party:0",
                Subjects = ["dataset:ds-1", "project:7"],
                Properties = JsonSerializer.SerializeToElement(new { bytes = 4096, digest = "00112233445566778899aabbccddeeff", ok = true }),
            },
            new AuditEventMessage { EventType = "user.login", Actor = "user:alice" },
        ],
    }, Json);

    // JSON values a hostile sender might put anywhere.
    private static readonly string[] Values =
    [
        "null", "true", "0", "-1", "1e400", "18446744073709551616", "0.5", "\"\"", "\"a\"", "\"user:alice\"", "\"dataset.ready\"",
        "\"igt_0123456789abcdefghijklmnopqrstuv\"", "\"\\u0000\"", "\"\\ud800\"", "[]", "[null]", "[1,2]", "[\"x\"]", "{}", "{\"a\":{\"b\":1}}",
        "{\"source\":\"platform\"}", "{\"password\":\"x\"}", "{\"n\":9223372036854775808}", "\"" + new string('x', 300) + "\"",
    ];

    private static readonly string[] Keys = ["events", "eventId", "eventType", "actor", "subjects", "properties", "Events", "extra"];

    /// <summary>Reads a body as the endpoint does; false when it was refused cleanly.</summary>
    private static bool Read(byte[] body)
    {
        AuditEventBatch? batch;
        try
        {
            batch = JsonSerializer.Deserialize<AuditEventBatch>(body, Json);
        }
        catch (JsonException)
        {
            return false;
        }

        try
        {
            return AuditEventParser.ParseBatch(batch, "party-0").Count > 0;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static readonly Gen<string> JsonValue = Gen.OneOf<string>(
        Gen.OneOf(Values),
        Gen.String[Gen.Char.AlphaNumeric, 0, 40].Select(s => JsonSerializer.Serialize(s)),
        Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)));

    private static readonly Gen<string> EventObject =
        Gen.Select(Gen.OneOf(Keys), JsonValue).Array[0, 7]
            .Select(fields => "{" + string.Join(",", fields.Select(f => $"\"{f.Item1}\":{f.Item2}")) + "}");

    private static readonly Gen<string> BatchLike = Gen.OneOf<string>(
        EventObject.Array[0, 5].Select(events => "{\"events\":[" + string.Join(",", events) + "]}"),
        EventObject,
        JsonValue);

    [Fact]
    public void The_valid_batch_reads()
    {
        Assert.True(Read(Encoding.UTF8.GetBytes(ValidBatch)));
    }

    [Fact]
    public void A_property_string_that_is_not_utf8_is_refused_cleanly()
    {
        // Found by Mutated_valid_batches_…: a JsonElement keeps its bytes and fails only when its strings are read.
        byte[] body = [.. "{\"events\":[{\"eventType\":\"dataset.ready\",\"actor\":\"party:0\",\"properties\":{\"k\":\""u8, 0xC3, .. "\"}}]}"u8];
        Assert.False(Read(body));
    }

    [Fact]
    public void Random_bytes_are_refused_cleanly() =>
        Gen.Byte.Array[0, 2048].Sample(bytes => { Read(bytes); }, iter: 3000);

    [Fact]
    public void Random_batch_shaped_json_reads_or_is_refused_cleanly() =>
        BatchLike.Sample(json => { Read(Encoding.UTF8.GetBytes(json)); }, iter: 3000);

    [Fact]
    public void Mutated_valid_batches_read_or_are_refused_cleanly()
    {
        byte[] valid = Encoding.UTF8.GetBytes(ValidBatch);
        Gen<byte[]> mutated = Gen.OneOf<byte[]>(
            Gen.Select(Gen.Int[0, valid.Length - 1], Gen.Byte).Array[1, 8].Select(edits =>
            {
                byte[] copy = [.. valid];
                foreach ((int at, byte b) in edits)
                {
                    copy[at] = b;
                }

                return copy;
            }),
            Gen.Int[0, valid.Length].Select(cut => valid[..cut]),
            Gen.Select(Gen.Int[0, valid.Length], Gen.Byte.Array[1, 16]).Select(t => (byte[])[.. valid[..t.Item1], .. t.Item2, .. valid[t.Item1..]]));
        mutated.Sample(bytes => { Read(bytes); }, iter: 3000);
    }
}
