using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Imguard.Contracts.Consent;

/// <summary>
/// The digest an owner signs to approve a job: SHA-256 of the canonical encoding of its <see cref="ConsentTerms"/>.
/// Written by hand, not as JSON, because the browser computes the same bytes from what it shows the owner and JSON
/// has no canonical form across .NET and JavaScript (property order, number rendering, escapes).
/// </summary>
/// <remarks>
/// <para>Encoding, version 1. u32 = 4 bytes little-endian; str = u32 byte length ‖ UTF-8 (well-formed only);
/// bin = u32 length ‖ bytes. Lists are sorted by ordinal (UTF-16 code unit) order, so the order a caller lists them in
/// does not change the digest; a key may appear once.</para>
/// <code>
/// "imguard-job-consent-v1\n"        23 ASCII bytes
/// str job id, str project id
/// u32 D, then D datasets sorted by id:        str dataset id, str purpose, str owner, bin owner key (SPKI)
/// str model spec JSON (as the job holds it)
/// u32 P, then P parameters sorted by name:    str name, 1 byte kind, value (i64 LE | f64 bits LE | str | 1 byte 0/1)
/// u32 R, then R recipients sorted by user:    str user, bin key (SPKI)
/// </code>
/// <para>web/src/lib/consent/digest.ts writes the same bytes; tests/vectors/consent-v1 holds terms, their encoding and
/// digest, and a signature made by Web Crypto, checked by both languages.</para>
/// </remarks>
public static class ConsentDigest
{
    public const int Length = 32;

    private static readonly byte[] Tag = Encoding.ASCII.GetBytes("imguard-job-consent-v1\n");

    // Throws on a lone surrogate instead of writing U+FFFD: two different strings must not encode alike.
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static byte[] Compute(ConsentTerms terms) => SHA256.HashData(Encode(terms));

    /// <summary>Problems that make the terms unsignable, or null: what <see cref="Encode"/> would refuse, said in words.</summary>
    public static string? Check(ConsentTerms terms)
    {
        ArgumentNullException.ThrowIfNull(terms);
        if (string.IsNullOrEmpty(terms.JobId) || string.IsNullOrEmpty(terms.ProjectId) || string.IsNullOrEmpty(terms.ModelSpecJson))
        {
            return "the job id, the project id and the model spec are required";
        }
        if (terms.Datasets is null || terms.Parameters is null || terms.Recipients is null)
        {
            return "the datasets, the parameters and the recipients are required";
        }
        if (!terms.Datasets.Any(d => d?.Purpose == ConsentPurposes.Train))
        {
            return "a job trains on at least one dataset";
        }
        if (terms.Recipients.Count == 0)
        {
            return "a job names at least one model recipient";
        }
        foreach (ConsentDataset dataset in terms.Datasets)
        {
            if (dataset is null || string.IsNullOrEmpty(dataset.DatasetId) || string.IsNullOrEmpty(dataset.Owner) || dataset.OwnerKey is null)
            {
                return "every dataset names its id, its owner and the owner's key";
            }
            if (!ConsentPurposes.IsKnown(dataset.Purpose))
            {
                return $"dataset '{dataset.DatasetId}' has purpose '{dataset.Purpose}'; a purpose is '{ConsentPurposes.Train}' or '{ConsentPurposes.Test}'";
            }
            if (OwnerKeys.Check(dataset.OwnerKey) is { } problem)
            {
                return $"dataset '{dataset.DatasetId}': {problem}";
            }
        }
        foreach (ConsentRecipient recipient in terms.Recipients)
        {
            if (recipient is null || string.IsNullOrEmpty(recipient.User) || recipient.Key is null)
            {
                return "every recipient names a user and the user's key";
            }
            if (OwnerKeys.Check(recipient.Key) is { } problem)
            {
                return $"recipient '{recipient.User}': {problem}";
            }
        }
        if (terms.Parameters.Any(p => p is null))
        {
            return "a parameter is missing";
        }
        if (Duplicate(terms.Datasets.Select(d => d.DatasetId)) is { } dataset2)
        {
            return $"dataset '{dataset2}' is named twice";
        }
        if (Duplicate(terms.Parameters.Select(p => p.Name)) is { } parameter)
        {
            return $"parameter '{parameter}' is named twice";
        }
        if (Duplicate(terms.Recipients.Select(r => r.User)) is { } user)
        {
            return $"recipient '{user}' is named twice";
        }
        IEnumerable<string> texts = new[] { terms.JobId, terms.ProjectId, terms.ModelSpecJson }
            .Concat(terms.Datasets.SelectMany(d => new[] { d.DatasetId, d.Purpose, d.Owner }))
            .Concat(terms.Parameters.SelectMany(p => new[] { p.Name, p.TextValue ?? "" }))
            .Concat(terms.Recipients.Select(r => r.User));
        return texts.All(IsWellFormed) ? null : "a text holds a lone UTF-16 surrogate";
    }

    /// <summary>The canonical bytes of <paramref name="terms"/> (see the remarks); throws <see cref="ArgumentException"/> when <see cref="Check"/> finds a problem.</summary>
    public static byte[] Encode(ConsentTerms terms)
    {
        if (Check(terms) is { } problem)
        {
            throw new ArgumentException($"The consent terms cannot be signed: {problem}.", nameof(terms));
        }
        var output = new MemoryStream();
        output.Write(Tag);
        WriteText(output, terms.JobId);
        WriteText(output, terms.ProjectId);
        WriteCount(output, terms.Datasets.Count);
        foreach (ConsentDataset dataset in terms.Datasets.OrderBy(d => d.DatasetId, StringComparer.Ordinal))
        {
            WriteText(output, dataset.DatasetId);
            WriteText(output, dataset.Purpose);
            WriteText(output, dataset.Owner);
            WriteBytes(output, dataset.OwnerKey);
        }
        WriteText(output, terms.ModelSpecJson);
        WriteCount(output, terms.Parameters.Count);
        Span<byte> word = stackalloc byte[8];
        foreach (ConsentParameter parameter in terms.Parameters.OrderBy(p => p.Name, StringComparer.Ordinal))
        {
            WriteText(output, parameter.Name);
            output.WriteByte((byte)parameter.Kind);
            switch (parameter.Kind)
            {
                case ConsentParameterKind.Integer:
                    BinaryPrimitives.WriteInt64LittleEndian(word, parameter.IntegerValue);
                    output.Write(word);
                    break;
                case ConsentParameterKind.Real:
                    BinaryPrimitives.WriteDoubleLittleEndian(word, parameter.RealValue);
                    output.Write(word);
                    break;
                case ConsentParameterKind.Flag:
                    output.WriteByte(parameter.IntegerValue != 0 ? (byte)1 : (byte)0);
                    break;
                default:
                    WriteText(output, parameter.TextValue!);
                    break;
            }
        }
        WriteCount(output, terms.Recipients.Count);
        foreach (ConsentRecipient recipient in terms.Recipients.OrderBy(r => r.User, StringComparer.Ordinal))
        {
            WriteText(output, recipient.User);
            WriteBytes(output, recipient.Key);
        }
        return output.ToArray();
    }

    private static string? Duplicate(IEnumerable<string> names) =>
        names.GroupBy(n => n, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1)?.Key;

    private static bool IsWellFormed(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return false;
            }
        }
        return true;
    }

    private static void WriteCount(Stream output, int count)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(word, checked((uint)count));
        output.Write(word);
    }

    private static void WriteText(Stream output, string text) => WriteBytes(output, StrictUtf8.GetBytes(text));

    private static void WriteBytes(Stream output, byte[] bytes)
    {
        WriteCount(output, bytes.Length);
        output.Write(bytes);
    }
}
