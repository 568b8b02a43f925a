using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Imguard.Contracts.Files;
using Imguard.Learning.Nn;
using Imguard.Mpc.Encoding;
using Imguard.Mpc.Ring;
using Imguard.Mpc.Sharing;

namespace Imguard.Learning.Training;

/// <summary>
/// One party's share of a model after some epochs: the spec, each parameter's share and its momentum share (so a
/// resumed run continues exactly), and how many epochs are done. The owner fetches both parties' files and
/// reconstructs with <see cref="Reconstruct"/>; a party's file alone is uniformly random.
/// File format (little-endian): "IMGMODEL" magic, version 1, party id, fractional bits, epochs completed,
/// spec JSON (length-prefixed UTF-8), parameter count, per parameter its rank, dims, data words, a velocity flag and
/// velocity words; then a SHA-256 of everything before it. Writes are atomic (temp file, flush, rename), so a crash
/// never leaves a half-written checkpoint that reads as whole.
/// </summary>
public sealed class ModelCheckpoint
{
    private static ReadOnlySpan<byte> Magic => "IMGMODEL"u8;
    private const int Version = 1;

    public ModelCheckpoint(int partyId, FixedPointFormat format, int epochsCompleted, ModelSpec spec, IReadOnlyList<RingTensor> values, IReadOnlyList<RingTensor?> velocities)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(velocities);
        var shapes = ModelBuilder.ParameterShapes(spec);
        if (values.Count != shapes.Count || velocities.Count != shapes.Count)
        {
            throw LearningError.InvalidData($"A checkpoint of this spec holds {shapes.Count} parameters; got {values.Count} values and {velocities.Count} velocities.");
        }
        for (int i = 0; i < shapes.Count; i++)
        {
            if (!values[i].HasShape(shapes[i]) || (velocities[i] is { } v && !v.HasShape(shapes[i])))
            {
                throw LearningError.ShapeMismatch($"checkpoint parameter {i}", shapes[i], values[i].Shape);
            }
        }
        PartyId = partyId is 0 or 1 ? partyId : throw LearningError.InvalidData($"A checkpoint's party id must be 0 or 1; got {partyId}.");
        Format = format;
        EpochsCompleted = epochsCompleted >= 0 ? epochsCompleted : throw LearningError.InvalidData("Epochs completed cannot be negative.");
        Spec = spec;
        Values = values;
        Velocities = velocities;
    }

    public int PartyId { get; }

    public FixedPointFormat Format { get; }

    public int EpochsCompleted { get; }

    public ModelSpec Spec { get; }

    public IReadOnlyList<RingTensor> Values { get; }

    public IReadOnlyList<RingTensor?> Velocities { get; }

    /// <summary>This party's checkpoint of a shared model (parameters and momentum buffers as they are now).</summary>
    public static ModelCheckpoint Of(int partyId, FixedPointFormat format, int epochsCompleted, ModelSpec spec, Sequential<SharedTensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parameters = model.Parameters;
        return new ModelCheckpoint(partyId, format, epochsCompleted, spec,
            parameters.Select(p => p.Value.Share.Clone()).ToArray(),
            parameters.Select(p => p.Velocity?.Share.Clone()).ToArray());
    }

    /// <summary>The owner's side: both halves back to plaintext parameters (in spec order).</summary>
    public static IReadOnlyList<PlainTensor> Reconstruct(ModelCheckpoint party0, ModelCheckpoint party1)
    {
        ArgumentNullException.ThrowIfNull(party0);
        ArgumentNullException.ThrowIfNull(party1);
        if (party0.PartyId != 0 || party1.PartyId != 1)
        {
            throw LearningError.InvalidData("Reconstruction needs party 0's and party 1's checkpoints, one of each.");
        }
        if (party0.Format != party1.Format || party0.EpochsCompleted != party1.EpochsCompleted || party0.Spec.ToJson() != party1.Spec.ToJson())
        {
            throw LearningError.InvalidData("The two model shares do not belong together (different spec, format or epoch).");
        }
        return party0.Values.Select((v, i) =>
        {
            var secret = SecretSharer.Reconstruct(v, party1.Values[i]);
            return new PlainTensor(party0.Format.Decode(secret.Span), v.Shape.ToArray());
        }).ToArray();
    }

    /// <summary>Writes atomically over <paramref name="path"/> (<see cref="AtomicFile"/>, 0600: a model share).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        OwnerOnly.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        AtomicFile.Write(path, WriteTo);
    }

    public static ModelCheckpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
        return ReadFrom(file, path);
    }

    public void WriteTo(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var writer = new HashingWriter(output, hash);
        writer.Bytes(Magic);
        writer.Int(Version);
        writer.Int(PartyId);
        writer.Int(Format.FractionalBits);
        writer.Int(EpochsCompleted);
        var spec = Encoding.UTF8.GetBytes(Spec.ToJson());
        writer.Int(spec.Length);
        writer.Bytes(spec);
        writer.Int(Values.Count);
        for (int i = 0; i < Values.Count; i++)
        {
            writer.Tensor(Values[i]);
            writer.Int(Velocities[i] is null ? 0 : 1);
            if (Velocities[i] is { } velocity)
            {
                writer.Words(velocity.Span);
            }
        }
        output.Write(hash.GetHashAndReset());
    }

    /// <summary>Reads a checkpoint; the checksum is verified before anything is parsed.</summary>
    public static ModelCheckpoint ReadFrom(Stream input, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        string what = name is null ? "The model share" : $"Model share '{name}'";
        using var buffer = new MemoryStream();
        input.CopyTo(buffer);
        var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
        const int hashLength = 32;
        if (bytes.Length < Magic.Length + hashLength || !bytes[..Magic.Length].SequenceEqual(Magic))
        {
            throw LearningError.InvalidData($"{what} is not an IMGuard model share file.");
        }
        if (!CryptographicOperations.FixedTimeEquals(SHA256.HashData(bytes[..^hashLength]), bytes[^hashLength..]))
        {
            throw LearningError.InvalidData($"{what} is corrupt or truncated (checksum mismatch).");
        }
        var reader = new Reader(buffer.GetBuffer().AsMemory(Magic.Length, bytes.Length - hashLength - Magic.Length), what);
        int version = reader.Int();
        if (version != Version)
        {
            throw LearningError.InvalidData($"{what} has format version {version}; this build reads version {Version}.");
        }
        int party = reader.Int();
        int fractionalBits = reader.Int();
        if (fractionalBits is < 0 or > 40)
        {
            // Checked here: the format's own check throws ArgumentOutOfRangeException, which is not how a bad file is reported.
            throw LearningError.InvalidData($"{what} declares {fractionalBits} fractional bits; fixed-point formats use 0 to 40.");
        }
        var format = new FixedPointFormat(fractionalBits);
        int epochs = reader.Int();
        var spec = ModelSpec.Parse(Encoding.UTF8.GetString(reader.Bytes(reader.Count(1 << 20)).Span));
        var shapes = ModelBuilder.ParameterShapes(spec);
        int count = reader.Int();
        if (count != shapes.Count)
        {
            throw LearningError.InvalidData($"{what} holds {count} parameters; its spec has {shapes.Count}.");
        }
        var values = new RingTensor[count];
        var velocities = new RingTensor?[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = reader.Tensor(shapes[i]);
            velocities[i] = reader.Int() switch
            {
                0 => null,
                1 => new RingTensor(reader.Words(values[i].Length), shapes[i]),
                _ => throw LearningError.InvalidData($"{what} is corrupt (bad velocity flag)."),
            };
        }
        if (!reader.AtEnd)
        {
            throw LearningError.InvalidData($"{what} has unexpected bytes after its last parameter.");
        }
        return new ModelCheckpoint(party, format, epochs, spec, values, velocities);
    }

    private sealed class HashingWriter(Stream output, IncrementalHash hash)
    {
        public void Bytes(ReadOnlySpan<byte> bytes)
        {
            hash.AppendData(bytes);
            output.Write(bytes);
        }

        public void Int(int value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, value);
            Bytes(b);
        }

        public void Words(ReadOnlySpan<ulong> words)
        {
            var bytes = new byte[words.Length * 8];
            for (int i = 0; i < words.Length; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(i * 8), words[i]);
            }
            Bytes(bytes);
        }

        public void Tensor(RingTensor t)
        {
            Int(t.Rank);
            foreach (int d in t.Shape)
            {
                Int(d);
            }
            Words(t.Span);
        }
    }

    private sealed class Reader(ReadOnlyMemory<byte> data, string what)
    {
        private int _position;

        public bool AtEnd => _position == data.Length;

        public ReadOnlyMemory<byte> Bytes(int count)
        {
            if (count < 0 || count > data.Length - _position)
            {
                throw LearningError.InvalidData($"{what} is truncated.");
            }
            var slice = data.Slice(_position, count);
            _position += count;
            return slice;
        }

        public int Int() => BinaryPrimitives.ReadInt32LittleEndian(Bytes(4).Span);

        public int Count(int max)
        {
            int n = Int();
            return n >= 0 && n <= max ? n : throw LearningError.InvalidData($"{what} is corrupt (a length of {n}).");
        }

        public ulong[] Words(int count)
        {
            var bytes = Bytes(checked(count * 8)).Span;
            var words = new ulong[count];
            for (int i = 0; i < count; i++)
            {
                words[i] = BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]);
            }
            return words;
        }

        public RingTensor Tensor(int[] expectedShape)
        {
            int rank = Count(8);
            var shape = new int[rank];
            for (int i = 0; i < rank; i++)
            {
                shape[i] = Int();
            }
            if (!shape.AsSpan().SequenceEqual(expectedShape))
            {
                throw LearningError.InvalidData($"{what} has a parameter of shape [{string.Join(", ", shape)}]; the spec says [{string.Join(", ", expectedShape)}].");
            }
            return new RingTensor(Words(expectedShape.Aggregate(1, (a, b) => a * b)), shape);
        }
    }
}
