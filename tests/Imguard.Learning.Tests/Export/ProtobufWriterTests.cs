using Imguard.Learning.Export;

namespace Imguard.Learning.Tests.Export;

/// <summary>Known answers from the Protocol Buffers encoding guide (protobuf.dev/programming-guides/encoding).</summary>
public sealed class ProtobufWriterTests
{
    [Fact]
    public void A_varint_field_is_tag_then_base_128_groups()
    {
        var w = new ProtobufWriter();
        w.WriteInt64(1, 150);
        Assert.Equal([0x08, 0x96, 0x01], w.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_negative_int64_takes_ten_bytes()
    {
        var w = new ProtobufWriter();
        w.WriteInt64(1, -2);
        Assert.Equal([0x08, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], w.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_string_is_length_delimited_utf8()
    {
        var w = new ProtobufWriter();
        w.WriteString(2, "testing");
        Assert.Equal([0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6E, 0x67], w.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_nested_message_is_its_bytes_length_prefixed()
    {
        var inner = new ProtobufWriter();
        inner.WriteInt64(1, 150);
        var outer = new ProtobufWriter();
        outer.WriteMessage(3, inner);
        Assert.Equal([0x1A, 0x03, 0x08, 0x96, 0x01], outer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Repeated_scalars_are_unpacked_and_large_field_numbers_take_longer_tags()
    {
        var w = new ProtobufWriter();
        w.WriteInt64s(8, [1, 300]);
        w.WriteInt64(20, 7);
        Assert.Equal([0x40, 0x01, 0x40, 0xAC, 0x02, 0xA0, 0x01, 0x07], w.WrittenSpan.ToArray());
    }

    [Fact]
    public void A_header_then_a_payload_written_in_place_equals_WriteBytes()
    {
        byte[] payload = [.. Enumerable.Range(0, 200).Select(i => (byte)i)];
        var direct = new ProtobufWriter();
        direct.WriteBytes(9, payload);
        var inPlace = new ProtobufWriter(4);
        inPlace.WriteLengthDelimitedHeader(9, payload.Length);
        payload.CopyTo(inPlace.GetSpan(payload.Length));
        inPlace.Advance(payload.Length);

        Assert.Equal(direct.WrittenSpan.ToArray(), inPlace.WrittenSpan.ToArray());
        Assert.Equal([0x4A, 0xC8, 0x01], direct.WrittenSpan[..3].ToArray());
    }
}
