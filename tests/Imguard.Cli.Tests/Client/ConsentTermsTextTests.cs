using Imguard.Cli.Client;
using Imguard.Cli.Tests.Client.Consent;
using Imguard.Client.Consent;
using Imguard.Contracts.Consent;

namespace Imguard.Cli.Tests.Client;

/// <summary><c>imguard job terms</c>: everything signed, in words, with key fingerprints computed here and this device's key marked.</summary>
public sealed class ConsentTermsTextTests : IDisposable
{
    private readonly ConsentFixture _fixture = new();

    public void Dispose() => _fixture.Dispose();

    private List<string> Lines(ConsentTermsView view) =>
        [.. ConsentTermsText.Lines(ConsentApprover.Review(ConsentFixture.JobId, view, _fixture.Device.PublicKey))];

    [Fact]
    public void Every_dataset_setting_and_recipient_is_shown_and_this_devices_key_is_marked()
    {
        ConsentTerms terms = _fixture.Terms();
        List<string> lines = Lines(ConsentFixture.View(terms, signed: r => r.Key.AsSpan().SequenceEqual(_fixture.BobKey)));
        string device = OwnerKeys.ShortFingerprint(_fixture.Device.PublicKey);
        string bob = OwnerKeys.ShortFingerprint(_fixture.BobKey);

        Assert.Contains(lines, l => l.Contains("ds-alice", StringComparison.Ordinal) && l.Contains(device, StringComparison.Ordinal) && l.EndsWith("you (this device)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("ds-bob-test", StringComparison.Ordinal) && l.Contains("of bob, 64 images", StringComparison.Ordinal) && l.Contains(bob, StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(bob, StringComparison.Ordinal) && l.Contains("you (this device)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  alice, key " + device, StringComparison.Ordinal) && l.EndsWith("you (this device)", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("  carol, key " + OwnerKeys.ShortFingerprint(_fixture.CarolKey), StringComparison.Ordinal));
        foreach (ConsentParameter parameter in terms.Parameters)
        {
            Assert.Contains(lines, l => l.Contains($"({parameter.Name}):", StringComparison.Ordinal));
        }
        Assert.Contains("  learning rate (learningRate): 0.05", lines);
        Assert.Contains("  hiding mode (hiding): instahide", lines);
        Assert.Contains(lines, l => l.StartsWith("model (as signed): {\"input\"", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("hiding: InstaHide, k = 4", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"  signed  {bob} bob, owner of dataset 'ds-bob'", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"  waiting {device} alice", StringComparison.Ordinal) && l.EndsWith("you (this device)", StringComparison.Ordinal));
        Assert.Contains($"digest (computed on this device): {Convert.ToHexStringLower(ConsentDigest.Compute(terms))}", lines);
    }

    [Fact]
    public void A_signer_the_platform_leaves_out_of_its_list_is_shown_as_required_by_the_terms()
    {
        ConsentTermsView view = ConsentFixture.View(_fixture.Terms());
        string carol = OwnerKeys.ShortFingerprint(_fixture.CarolKey);
        view = view with { Signers = [.. view.Signers.Where(s => s.Fingerprint != carol)] };

        List<string> lines = Lines(view);

        Assert.Contains(lines, l => l.StartsWith($"  waiting {carol} carol, recipient of the model (required by the terms", StringComparison.Ordinal));
    }

    [Fact]
    public void Names_from_the_platform_cannot_rewrite_the_terminal()
    {
        ConsentTerms terms = _fixture.Terms() with
        {
            Datasets = [.. _fixture.Terms().Datasets.Select(d => d.Owner == "bob" ? d with { Owner = "bob\u001b[2K\u202e" } : d)],
        };

        List<string> lines = Lines(ConsentFixture.View(terms));

        Assert.DoesNotContain(lines, l => l.Contains('\u001b', StringComparison.Ordinal) || l.Contains('\u202e', StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("bob\\u001B[2K\\u202E", StringComparison.Ordinal));
    }
}
