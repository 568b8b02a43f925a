using System.Net;
using System.Text.Json;
using CsCheck;
using Imguard.Client.Consent;
using Imguard.Client.Platform;
using Imguard.Contracts.Consent;

namespace Imguard.Cli.Tests.Client.Consent;

/// <summary>
/// The CLI signs only what it shows (issue 17, item 4): it rebuilds the terms from the platform's view and computes the
/// digest itself, refuses a platform whose digest disagrees with its terms and a job its key need not sign, and sends a
/// signature that verifies over the digest it computed.
/// </summary>
public sealed class ConsentApproverTests : IDisposable
{
    private static readonly string ConsentPath = $"api/jobs/{ConsentFixture.JobId}/consent";
    private static readonly string ApprovePath = $"api/jobs/{ConsentFixture.JobId}/approve";

    private readonly ConsentFixture _fixture = new();
    private readonly FakePlatform _platform = new();

    public ConsentApproverTests() => _platform.On(HttpMethod.Post, ApprovePath, _ => (HttpStatusCode.NoContent, null));

    public void Dispose()
    {
        _fixture.Dispose();
        _platform.Dispose();
    }

    private async Task<Exception> RefusedAsync(ConsentTermsView view)
    {
        _platform.On(HttpMethod.Get, ConsentPath, view);
        using PlatformApi api = _platform.Client();
        Exception refused = await Assert.ThrowsAnyAsync<Exception>(() => new ConsentApprover(api, _fixture.Device).ReviewAndApproveAsync(ConsentFixture.JobId, "alice"));
        Assert.DoesNotContain(_platform.Requests, r => r.Method == HttpMethod.Post); // nothing signed left this device
        return refused;
    }

    [Fact]
    public async Task Approve_posts_this_devices_key_and_a_signature_that_verifies_over_the_digest_computed_here()
    {
        ConsentTerms terms = _fixture.Terms();
        _platform.On(HttpMethod.Get, ConsentPath, ConsentFixture.View(terms));
        using PlatformApi api = _platform.Client();

        ConsentReview review = await new ConsentApprover(api, _fixture.Device).ReviewAndApproveAsync(ConsentFixture.JobId, "alice");

        string body = Assert.Single(_platform.Sent(HttpMethod.Post, ApprovePath)).Body!;
        ApproveJobRequest sent = JsonSerializer.Deserialize<ApproveJobRequest>(body, PlatformApi.Json)!;
        Assert.Equal(_fixture.Device.PublicKey, Convert.FromBase64String(sent.Key));
        byte[] digest = ConsentDigest.Compute(terms); // computed from the terms, independently of the client
        Assert.Equal(digest, review.Digest);
        Assert.True(ConsentSignature.Verify(_fixture.Device.PublicKey, digest, Convert.FromBase64String(sent.Signature)));
        // And the approval completes the device's share of what the parties check.
        var approvals = new List<ConsentApproval> { new(_fixture.Device.PublicKey, Convert.FromBase64String(sent.Signature)) };
        Assert.DoesNotContain(JobConsentTerms.Missing(terms, approvals), r => r.Key.AsSpan().SequenceEqual(_fixture.Device.PublicKey));
    }

    [Fact]
    public async Task A_platform_whose_digest_is_of_other_terms_than_it_shows_is_refused()
    {
        // The platform shows 3 epochs and asks for a signature over the digest of a job with 30.
        ConsentTerms shown = _fixture.Terms();
        ConsentTerms other = shown with
        {
            Parameters = [.. shown.Parameters.Select(p => p.Name == JobConsentTerms.Names.Epochs ? ConsentParameter.Integer(p.Name, 30) : p)],
        };
        string otherDigest = Convert.ToHexStringLower(ConsentDigest.Compute(other));

        Exception refused = await RefusedAsync(ConsentFixture.View(shown, digest: otherDigest));

        Assert.IsType<PlatformApiException>(refused);
        Assert.Contains("the platform's terms and its digest disagree", refused.Message, StringComparison.Ordinal);
        Assert.Contains(otherDigest, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Any_field_changed_after_the_digest_was_made_is_refused()
    {
        ConsentTerms terms = _fixture.Terms();
        ConsentTermsView view = ConsentFixture.View(terms);
        var changes = new Func<ConsentTermsView, ConsentTermsView>[]
        {
            v => v with { ProjectId = "another-project" },
            v => v with { ModelSpecJson = v.ModelSpecJson.Replace("\"out\":3", "\"out\":4", StringComparison.Ordinal) },
            v => v with { Datasets = [.. v.Datasets.Select(d => d.DatasetId == "ds-bob" ? d with { Owner = "mallory" } : d)] },
            v => v with { Datasets = [.. v.Datasets.Where(d => d.DatasetId != "ds-bob-test")] },
            v => v with { Recipients = [.. v.Recipients.Select(r => r.User == "carol" ? r with { Key = Convert.ToBase64String(_fixture.BobKey) } : r)] },
            v => v with { Parameters = [.. v.Parameters.Select(p => p.Name == JobConsentTerms.Names.Hiding ? p with { Text = "off" } : p)] },
            v => v with { Parameters = [.. v.Parameters.Select(p => p.Name == JobConsentTerms.Names.LearningRate ? p with { Real = 0.05000000000000001 } : p)] },
        };
        Gen.Int[0, changes.Length - 1].Sample(i =>
        {
            var refused = Assert.Throws<PlatformApiException>(() => ConsentApprover.Review(ConsentFixture.JobId, changes[i](view), _fixture.Device.PublicKey));
            Assert.Contains("disagree", refused.Message, StringComparison.Ordinal);
        }, iter: 50);
    }

    [Fact]
    public async Task The_terms_of_another_job_are_refused()
    {
        ConsentTerms other = _fixture.Terms() with { JobId = "job-ffffffffffffffff" };

        Exception refused = await RefusedAsync(ConsentFixture.View(other));

        Assert.IsType<PlatformApiException>(refused);
        Assert.Contains($"the terms of job 'job-ffffffffffffffff' when asked for job '{ConsentFixture.JobId}'", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_device_key_the_job_does_not_wait_for_is_refused_naming_both_keys()
    {
        // Alice shared her dataset from another device (or her browser): this profile's key is not the one bound to it.
        using var browser = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        byte[] browserKey = browser.ExportSubjectPublicKeyInfo();

        Exception refused = await RefusedAsync(ConsentFixture.View(_fixture.Terms(aliceKey: browserKey)));

        Assert.IsType<InvalidOperationException>(refused);
        Assert.Contains($"your dataset 'ds-alice' was shared with key {OwnerKeys.ShortFingerprint(browserKey)}", refused.Message, StringComparison.Ordinal);
        Assert.Contains($"this profile holds key {OwnerKeys.ShortFingerprint(_fixture.Device.PublicKey)}", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_who_neither_owns_nor_receives_is_told_which_keys_the_job_waits_for()
    {
        using var browser = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        ConsentTerms terms = _fixture.Terms(aliceKey: browser.ExportSubjectPublicKeyInfo(), aliceReceives: false);
        _platform.On(HttpMethod.Get, ConsentPath, ConsentFixture.View(terms));
        using PlatformApi api = _platform.Client();

        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => new ConsentApprover(api, _fixture.Device).ReviewAndApproveAsync(ConsentFixture.JobId, "dave"));

        Assert.Contains("not one job", refused.Message, StringComparison.Ordinal);
        Assert.Contains(OwnerKeys.ShortFingerprint(_fixture.CarolKey), refused.Message, StringComparison.Ordinal);
        Assert.Contains(OwnerKeys.ShortFingerprint(_fixture.Device.PublicKey), refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(_platform.Requests, r => r.Method == HttpMethod.Post);
    }
}
