using System.Security.Cryptography;
using System.Text.Json.Nodes;
using CsCheck;
using Imguard.Contracts.Consent;

namespace Imguard.Contracts.Tests.Consent;

/// <summary>
/// The digest a recipient signs to fetch a share: equal to the cross-language vector (tests/vectors/model-request-v1),
/// different whenever the job, the party, the kind or the challenge differs, and refused for inputs a party never issues.
/// </summary>
public sealed class ModelRequestDigestTests
{
    private static readonly byte[] Challenge = [.. Enumerable.Range(0, 32).Select(i => (byte)i)];

    [Fact]
    public void The_encoding_and_digest_equal_the_vector()
    {
        JsonArray cases = JsonNode.Parse(File.ReadAllText(Path.Combine(FindFolder(), "expected.json")))!["cases"]!.AsArray();
        Assert.Equal(2, cases.Count);
        foreach (JsonNode? entry in cases)
        {
            string jobId = (string)entry!["jobId"]!;
            int partyId = (int)entry["partyId"]!;
            string what = (string)entry["what"]!;
            byte[] challenge = Convert.FromHexString((string)entry["challenge"]!);
            Assert.Equal((string)entry["encoding"]!, Convert.ToHexStringLower(ModelRequestDigest.Encode(jobId, partyId, what, challenge)));
            Assert.Equal((string)entry["digest"]!, Convert.ToHexStringLower(ModelRequestDigest.Compute(jobId, partyId, what, challenge)));
        }
    }

    [Fact]
    public void Each_field_changes_the_digest()
    {
        byte[] digest = ModelRequestDigest.Compute("job-1", 0, ModelRequestDigest.Model, Challenge);
        Assert.Equal(ConsentDigest.Length, digest.Length);
        byte[] otherChallenge = (byte[])Challenge.Clone();
        otherChallenge[^1] ^= 1;
        byte[][] others =
        [
            ModelRequestDigest.Compute("job-2", 0, ModelRequestDigest.Model, Challenge),
            ModelRequestDigest.Compute("job-1", 1, ModelRequestDigest.Model, Challenge),
            ModelRequestDigest.Compute("job-1", 0, ModelRequestDigest.Evaluation, Challenge),
            ModelRequestDigest.Compute("job-1", 0, ModelRequestDigest.Model, otherChallenge),
        ];
        Assert.All(others, other => Assert.False(other.AsSpan().SequenceEqual(digest)));
    }

    [Fact]
    public void Distinct_requests_encode_distinctly()
    {
        // Length prefixes keep the fields apart: no two different requests share an encoding.
        Gen<string> jobIds = Gen.String[Gen.Char["abc1.-"], 1, 6].Where(s => char.IsAsciiLetterOrDigit(s[0]));
        Gen.Select(jobIds, Gen.Int[0, 1], Gen.Bool, jobIds, Gen.Int[0, 1], Gen.Bool).Sample((j1, p1, m1, j2, p2, m2) =>
        {
            string w1 = m1 ? ModelRequestDigest.Model : ModelRequestDigest.Evaluation;
            string w2 = m2 ? ModelRequestDigest.Model : ModelRequestDigest.Evaluation;
            bool same = j1 == j2 && p1 == p2 && w1 == w2;
            return same == ModelRequestDigest.Encode(j1, p1, w1, Challenge).AsSpan().SequenceEqual(ModelRequestDigest.Encode(j2, p2, w2, Challenge));
        }, iter: 2000);
    }

    [Fact]
    public void Invalid_inputs_are_refused()
    {
        Assert.Throws<ArgumentException>(() => ModelRequestDigest.Encode("../job", 0, ModelRequestDigest.Model, Challenge));
        Assert.Throws<ArgumentOutOfRangeException>(() => ModelRequestDigest.Encode("job-1", 2, ModelRequestDigest.Model, Challenge));
        Assert.Throws<ArgumentException>(() => ModelRequestDigest.Encode("job-1", 0, "checkpoint", Challenge));
        Assert.Throws<ArgumentException>(() => ModelRequestDigest.Encode("job-1", 0, ModelRequestDigest.Model, Challenge.AsSpan(1)));
    }

    [Fact]
    public void A_signature_over_the_digest_verifies_with_the_consent_signature()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        byte[] digest = ModelRequestDigest.Compute("job-1", 1, ModelRequestDigest.Evaluation, Challenge);
        byte[] signature = ConsentSignature.Sign(key, digest);
        Assert.True(ConsentSignature.Verify(key.ExportSubjectPublicKeyInfo(), digest, signature));
        Assert.False(ConsentSignature.Verify(key.ExportSubjectPublicKeyInfo(), ModelRequestDigest.Compute("job-1", 0, ModelRequestDigest.Evaluation, Challenge), signature));
    }

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Imguard.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "vectors", "model-request-v1");
            }
        }
        throw new DirectoryNotFoundException($"No Imguard.slnx above {AppContext.BaseDirectory}: cannot find tests/vectors/model-request-v1.");
    }
}
