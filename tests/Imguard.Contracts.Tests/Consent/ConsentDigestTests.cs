using System.Security.Cryptography;
using CsCheck;
using Imguard.Contracts.Consent;

namespace Imguard.Contracts.Tests.Consent;

public sealed class ConsentDigestTests
{
    private static readonly byte[] KeyA = NewKey();
    private static readonly byte[] KeyB = NewKey();

    [Fact]
    public void The_order_in_which_lists_are_given_does_not_change_the_digest()
    {
        ConsentTerms terms = ConsentVectorTests.ReadTerms();
        Gen.Int.Sample(seed =>
        {
            var random = new System.Random(seed); // test only: shuffles the lists, no secret
            ConsentTerms shuffled = terms with
            {
                Datasets = [.. terms.Datasets.OrderBy(_ => random.Next())],
                Parameters = [.. terms.Parameters.OrderBy(_ => random.Next())],
                Recipients = [.. terms.Recipients.OrderBy(_ => random.Next())],
            };
            Assert.Equal(ConsentDigest.Compute(terms), ConsentDigest.Compute(shuffled));
        }, iter: 200);
    }

    [Fact]
    public void Every_field_an_owner_approves_changes_the_digest()
    {
        ConsentTerms terms = Basic();
        byte[] digest = ConsentDigest.Compute(terms);
        ConsentTerms[] changed =
        [
            terms with { JobId = "job-2" },
            terms with { ProjectId = "proj-2" },
            terms with { ModelSpecJson = "{\"preset\":\"cnn\"}" },
            terms with { Datasets = [terms.Datasets[0] with { DatasetId = "ds-b" }] },
            terms with { Datasets = [terms.Datasets[0] with { Owner = "mallory" }] },
            terms with { Datasets = [terms.Datasets[0] with { OwnerKey = KeyB }] },
            terms with { Datasets = [terms.Datasets[0], new ConsentDataset("ds-t", ConsentPurposes.Test, "bob", KeyB)] },
            terms with { Parameters = [ConsentParameter.Integer("epochs", 3), terms.Parameters[1], terms.Parameters[2]] },
            terms with { Parameters = [terms.Parameters[0], ConsentParameter.Real("learningRate", 0.05000000000000001), terms.Parameters[2]] },
            terms with { Parameters = [terms.Parameters[0], terms.Parameters[1], ConsentParameter.Text("hiding", "off")] },
            terms with { Parameters = [terms.Parameters[0], terms.Parameters[1]] },
            terms with { Recipients = [new ConsentRecipient("alice", KeyA), new ConsentRecipient("bob", KeyB)] },
            terms with { Recipients = [new ConsentRecipient("alice", KeyB)] },
        ];
        foreach (ConsentTerms other in changed)
        {
            Assert.NotEqual(digest, ConsentDigest.Compute(other));
        }
    }

    [Fact]
    public void A_parameters_type_is_signed_not_only_its_value()
    {
        ConsentTerms terms = Basic();
        Assert.NotEqual(
            ConsentDigest.Compute(terms with { Parameters = [ConsentParameter.Integer("x", 1)] }),
            ConsentDigest.Compute(terms with { Parameters = [ConsentParameter.Flag("x", true)] }));
        Assert.NotEqual(
            ConsentDigest.Compute(terms with { Parameters = [ConsentParameter.Integer("x", 1)] }),
            ConsentDigest.Compute(terms with { Parameters = [ConsentParameter.Real("x", 1)] }));
    }

    [Fact]
    public void Length_prefixes_keep_neighbouring_texts_apart()
    {
        ConsentTerms terms = Basic();
        Assert.NotEqual(
            ConsentDigest.Compute(terms with { JobId = "job-1a", ProjectId = "b" }),
            ConsentDigest.Compute(terms with { JobId = "job-1", ProjectId = "ab" }));
    }

    [Theory]
    [InlineData("no-train", "a job trains on at least one dataset")]
    [InlineData("no-recipient", "a job names at least one model recipient")]
    [InlineData("twice", "dataset 'ds-a' is named twice")]
    [InlineData("purpose", "has purpose 'validate'")]
    [InlineData("bad-key", "ds-a")]
    [InlineData("rsa-key", "not an ECDSA SubjectPublicKeyInfo")]
    [InlineData("p384-key", "not on the P-256 curve")]
    [InlineData("param-twice", "parameter 'epochs' is named twice")]
    [InlineData("recipient-twice", "recipient 'alice' is named twice")]
    [InlineData("surrogate", "lone UTF-16 surrogate")]
    public void Terms_that_cannot_be_signed_are_refused_with_the_reason(string change, string reason)
    {
        ConsentTerms terms = Basic();
        using RSA rsa = RSA.Create(1024); // small enough to pass the size bound, so the algorithm check is what refuses it
        using ECDsa p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        ConsentTerms bad = change switch
        {
            "no-train" => terms with { Datasets = [terms.Datasets[0] with { Purpose = ConsentPurposes.Test }] },
            "no-recipient" => terms with { Recipients = [] },
            "twice" => terms with { Datasets = [terms.Datasets[0], terms.Datasets[0] with { Purpose = ConsentPurposes.Test }] },
            "purpose" => terms with { Datasets = [terms.Datasets[0], terms.Datasets[0] with { DatasetId = "ds-v", Purpose = "validate" }] },
            "bad-key" => terms with { Datasets = [terms.Datasets[0] with { OwnerKey = [1, 2, 3] }] },
            "rsa-key" => terms with { Recipients = [new ConsentRecipient("alice", rsa.ExportSubjectPublicKeyInfo())] },
            "p384-key" => terms with { Recipients = [new ConsentRecipient("alice", p384.ExportSubjectPublicKeyInfo())] },
            "param-twice" => terms with { Parameters = [.. terms.Parameters, ConsentParameter.Integer("epochs", 9)] },
            "recipient-twice" => terms with { Recipients = [.. terms.Recipients, new ConsentRecipient("alice", KeyB)] },
            "surrogate" => terms with { Datasets = [terms.Datasets[0] with { Owner = "x\uD800y" }] },
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };
        Assert.Contains(reason, ConsentDigest.Check(bad), StringComparison.Ordinal);
        ArgumentException e = Assert.Throws<ArgumentException>(() => ConsentDigest.Encode(bad));
        Assert.Contains(reason, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_real_that_is_not_finite_is_not_a_parameter()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsentParameter.Real("lr", double.NaN));
        Assert.Throws<ArgumentOutOfRangeException>(() => ConsentParameter.Real("lr", double.PositiveInfinity));
    }

    private static ConsentTerms Basic() => new()
    {
        JobId = "job-1",
        ProjectId = "proj-1",
        ModelSpecJson = "{\"preset\":\"mlp\"}",
        Datasets = [new ConsentDataset("ds-a", ConsentPurposes.Train, "alice", KeyA)],
        Parameters = [ConsentParameter.Integer("epochs", 2), ConsentParameter.Real("learningRate", 0.05), ConsentParameter.Text("hiding", "instahide")],
        Recipients = [new ConsentRecipient("alice", KeyA)],
    };

    private static byte[] NewKey()
    {
        using ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfo();
    }
}
