using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Imguard.Contracts.Consent;

namespace Imguard.Contracts.Tests.Consent;

/// <summary>
/// The cross-language vector <c>tests/vectors/consent-v1</c>: terms with non-ASCII names, a surrogate pair, reals that
/// render differently in .NET and JavaScript, and lists out of order; their encoding and digest and two signatures as
/// the browser's code (web/src/lib/consent) made them. This build must give the same bytes and accept the signatures;
/// <c>dotnet-signature.json</c> is a signature by this build that the browser's vector test verifies
/// (<c>UPDATE_VECTORS=1</c> rewrites it).
/// </summary>
public sealed class ConsentVectorTests
{
    private static readonly string Folder = FindFolder();

    [Fact]
    public void The_encoding_and_digest_equal_the_browsers()
    {
        ConsentTerms terms = ReadTerms();
        JsonNode expected = ReadJson("expected.json");

        Assert.Equal((string)expected["encoding"]!, Convert.ToHexStringLower(ConsentDigest.Encode(terms)));
        Assert.Equal((string)expected["digest"]!, Convert.ToHexStringLower(ConsentDigest.Compute(terms)));
    }

    [Fact]
    public void The_browsers_signatures_verify_and_a_changed_digest_does_not()
    {
        byte[] digest = ConsentDigest.Compute(ReadTerms());
        JsonArray signatures = ReadJson("expected.json")["webCryptoSignatures"]!.AsArray();
        Assert.Equal(2, signatures.Count);
        foreach (JsonNode? entry in signatures)
        {
            byte[] key = Convert.FromBase64String((string)entry!["key"]!);
            byte[] signature = Convert.FromBase64String((string)entry["signature"]!);
            Assert.True(ConsentSignature.Verify(key, digest, signature));

            byte[] other = (byte[])digest.Clone();
            other[^1] ^= 1;
            Assert.False(ConsentSignature.Verify(key, other, signature));
        }
    }

    [Fact]
    public void A_signature_by_this_build_is_in_the_vector_for_the_browser()
    {
        byte[] digest = ConsentDigest.Compute(ReadTerms());
        string path = Path.Combine(Folder, "dotnet-signature.json");
        if (Environment.GetEnvironmentVariable("UPDATE_VECTORS") == "1")
        {
            using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var entry = new JsonObject
            {
                ["key"] = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
                ["signature"] = Convert.ToBase64String(ConsentSignature.Sign(key, digest)),
            };
            File.WriteAllText(path, entry.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        }
        JsonNode written = JsonNode.Parse(File.ReadAllText(path))!;
        Assert.True(ConsentSignature.Verify(Convert.FromBase64String((string)written["key"]!), digest, Convert.FromBase64String((string)written["signature"]!)));
    }

    internal static ConsentTerms ReadTerms()
    {
        JsonNode inputs = ReadJson("inputs.json");
        return new ConsentTerms
        {
            JobId = (string)inputs["jobId"]!,
            ProjectId = (string)inputs["projectId"]!,
            ModelSpecJson = (string)inputs["modelSpecJson"]!,
            Datasets = [.. inputs["datasets"]!.AsArray().Select(d => new ConsentDataset(
                (string)d!["datasetId"]!, (string)d["purpose"]!, (string)d["owner"]!, Convert.FromBase64String((string)d["ownerKey"]!)))],
            Parameters = [.. inputs["parameters"]!.AsArray().Select(p => (string)p!["kind"]! switch
            {
                "integer" => ConsentParameter.Integer((string)p["name"]!, long.Parse((string)p["value"]!, System.Globalization.CultureInfo.InvariantCulture)),
                "real" => ConsentParameter.Real((string)p["name"]!, (double)p["value"]!),
                "text" => ConsentParameter.Text((string)p["name"]!, (string)p["value"]!),
                "flag" => ConsentParameter.Flag((string)p["name"]!, (bool)p["value"]!),
                string kind => throw new InvalidDataException($"unknown parameter kind {kind}"),
            })],
            Recipients = [.. inputs["recipients"]!.AsArray().Select(r => new ConsentRecipient(
                (string)r!["user"]!, Convert.FromBase64String((string)r["key"]!)))],
        };
    }

    private static JsonNode ReadJson(string name) => JsonNode.Parse(File.ReadAllText(Path.Combine(Folder, name)))!;

    private static string FindFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Imguard.slnx")))
            {
                return Path.Combine(dir.FullName, "tests", "vectors", "consent-v1");
            }
        }
        throw new DirectoryNotFoundException($"No Imguard.slnx above {AppContext.BaseDirectory}: cannot find tests/vectors/consent-v1.");
    }
}
