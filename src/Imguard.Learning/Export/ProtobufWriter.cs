using System.Buffers;
using System.Text;

namespace Imguard.Learning.Export;

/// <summary>
/// The few Protocol Buffers encodings the ONNX exporter needs (https://protobuf.dev/programming-guides/encoding/):
/// varints (wire type 0) and length-delimited fields (wire type 2: strings, bytes, nested messages). A nested message
/// is written into its own writer first, so its length is known when the parent writes it; nesting in ONNX is at most
/// a few levels deep, so each byte is copied a bounded number of times. Repeated scalars are written unpacked, the
/// canonical proto2 form (onnx.proto is proto2), which every parser accepts.
/// </summary>
internal sealed class ProtobufWriter
{
    private const int WireVarint = 0;
    private const int WireLengthDelimited = 2;

    private readonly ArrayBufferWriter<byte> _buffer;

    public ProtobufWriter(int initialCapacity = 256)
    {
        _buffer = new ArrayBufferWriter<byte>(Math.Max(initialCapacity, 16));
    }

    public ReadOnlySpan<byte> WrittenSpan => _buffer.WrittenSpan;

    public int Length => _buffer.WrittenCount;

    /// <summary>An int32/int64/enum/bool field; negative values take ten bytes (two's complement), as protobuf's int64 does.</summary>
    public void WriteInt64(int field, long value)
    {
        WriteTag(field, WireVarint);
        WriteRawVarint(unchecked((ulong)value));
    }

    /// <summary>A repeated int64 field, one tag per element (unpacked).</summary>
    public void WriteInt64s(int field, ReadOnlySpan<long> values)
    {
        foreach (long value in values)
        {
            WriteInt64(field, value);
        }
    }

    public void WriteString(int field, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        int length = Encoding.UTF8.GetByteCount(value);
        WriteTag(field, WireLengthDelimited);
        WriteRawVarint((ulong)length);
        int written = Encoding.UTF8.GetBytes(value, _buffer.GetSpan(length));
        _buffer.Advance(written);
    }

    public void WriteBytes(int field, ReadOnlySpan<byte> value)
    {
        WriteTag(field, WireLengthDelimited);
        WriteRawVarint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>A nested message: <paramref name="message"/>'s bytes, length-prefixed.</summary>
    public void WriteMessage(int field, ProtobufWriter message)
    {
        ArgumentNullException.ThrowIfNull(message);
        WriteBytes(field, message.WrittenSpan);
    }

    /// <summary>
    /// The header of a length-delimited field whose <paramref name="length"/> payload bytes the caller writes next
    /// through <see cref="GetSpan"/>/<see cref="Advance"/> (used for raw tensor data, to avoid one copy).
    /// </summary>
    public void WriteLengthDelimitedHeader(int field, int length)
    {
        WriteTag(field, WireLengthDelimited);
        WriteRawVarint((ulong)length);
    }

    public Span<byte> GetSpan(int length) => _buffer.GetSpan(length);

    public void Advance(int count) => _buffer.Advance(count);

    public void CopyTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Write(_buffer.WrittenSpan);
    }

    private void WriteTag(int field, int wireType)
    {
        if (field < 1 || field > 0x1FFF_FFFF)
        {
            throw new ArgumentOutOfRangeException(nameof(field), "A protobuf field number lies in [1, 2^29 − 1].");
        }
        WriteRawVarint(((ulong)field << 3) | (uint)wireType);
    }

    private void WriteRawVarint(ulong value)
    {
        var span = _buffer.GetSpan(10);
        int i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80); // low 7 bits, continuation bit set
            value >>= 7;
        }
        span[i++] = (byte)value;
        _buffer.Advance(i);
    }
}
