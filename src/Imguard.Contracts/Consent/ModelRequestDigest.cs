using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Imguard.Contracts.Jobs;

namespace Imguard.Contracts.Consent;

/// <summary>
/// The digest a model recipient (or a test set's owner) signs to fetch one party's share of a finished job's model or
/// evaluation: it names the job, the party, what is fetched and a fresh single-use challenge the party issued, so a
/// signature cannot be replayed later, at the other party, for another job or for the other file. With it the parties
/// release a share only to the holder of a key named in the job's consent (docs/multi-owner.md, "Model and evaluation
/// release"); a platform that mints download grants still cannot collect both model shares.
/// </summary>
/// <remarks>
/// <para>Encoding, version 1, with <see cref="ConsentDigest"/>'s primitives: u32 = 4 bytes little-endian;
/// str = u32 byte length ‖ UTF-8; bin = u32 length ‖ bytes.</para>
/// <code>
/// "imguard-model-request-v1\n"   25 ASCII bytes
/// str job id, u32 party id, str what ("model" | "evaluation"), bin challenge (32 bytes)
/// </code>
/// <para>Signed with <see cref="ConsentSignature"/> (P-256, r ‖ s). web/src/lib/consent/modelRequest.ts writes the same
/// bytes; tests/vectors/model-request-v1 holds an input, its encoding and digest, checked by both languages.</para>
/// </remarks>
public static class ModelRequestDigest
{
    /// <summary>A job's model share (its final checkpoint): released to a recipient key of the job's consent.</summary>
    public const string Model = "model";

    /// <summary>A job's evaluation share (an inference job's predictions): released to the owner key of the evaluated dataset's half.</summary>
    public const string Evaluation = "evaluation";

    /// <summary>Bytes of a challenge.</summary>
    public const int ChallengeLength = 32;

    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("imguard-model-request-v1\n");

    /// <summary>SHA-256 of <see cref="Encode"/>: what the client signs and the party verifies.</summary>
    public static byte[] Compute(string jobId, int partyId, string what, ReadOnlySpan<byte> challenge) =>
        SHA256.HashData(Encode(jobId, partyId, what, challenge));

    /// <summary>The canonical bytes (see the remarks); throws <see cref="ArgumentException"/> on an invalid job id, party, kind or challenge length.</summary>
    public static byte[] Encode(string jobId, int partyId, string what, ReadOnlySpan<byte> challenge)
    {
        if (!JobIds.IsValid(jobId))
        {
            throw new ArgumentException("A job id is 1 to 128 characters of [A-Za-z0-9._-].", nameof(jobId));
        }
        if (partyId is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(partyId), "A party id is 0 or 1.");
        }
        if (!IsKnown(what))
        {
            throw new ArgumentException($"What is fetched is '{Model}' or '{Evaluation}'.", nameof(what));
        }
        if (challenge.Length != ChallengeLength)
        {
            throw new ArgumentException($"A challenge is {ChallengeLength} bytes.", nameof(challenge));
        }
        byte[] job = Encoding.ASCII.GetBytes(jobId); // a valid job id is ASCII
        byte[] kind = Encoding.ASCII.GetBytes(what);
        var output = new byte[Tag.Length + 4 + job.Length + 4 + 4 + kind.Length + 4 + ChallengeLength];
        Span<byte> rest = output;
        Tag.CopyTo(rest);
        rest = rest[Tag.Length..];
        rest = WriteBytes(rest, job);
        BinaryPrimitives.WriteUInt32LittleEndian(rest, (uint)partyId);
        rest = rest[4..];
        rest = WriteBytes(rest, kind);
        WriteBytes(rest, challenge);
        return output;
    }

    /// <summary>Whether <paramref name="what"/> is <see cref="Model"/> or <see cref="Evaluation"/>.</summary>
    public static bool IsKnown(string? what) => what is Model or Evaluation;

    private static Span<byte> WriteBytes(Span<byte> output, ReadOnlySpan<byte> bytes)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(output, (uint)bytes.Length);
        bytes.CopyTo(output[4..]);
        return output[(4 + bytes.Length)..];
    }
}
