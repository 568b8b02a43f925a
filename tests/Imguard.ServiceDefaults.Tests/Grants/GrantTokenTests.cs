using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Imguard.Contracts.Grants;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.Testing;

namespace Imguard.ServiceDefaults.Tests.Grants;

/// <summary>Grant tokens signed with the platform's certificate key and checked by a party with its public key.</summary>
public sealed class GrantTokenTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
    private readonly TestDeployment _deployment = TestDeployment.Create();
    private readonly ServiceIdentity _platform;
    private readonly ECDsa _signer;
    private readonly ECDsa _verifier;

    public GrantTokenTests()
    {
        _platform = _deployment.Identity(ServiceRole.Platform);
        _signer = _platform.Certificate.GetECDsaPrivateKey()!;
        _verifier = DeploymentPki.LoadRoleCertificate(_deployment.Directory, ServiceRole.Platform).GetECDsaPublicKey()!;
    }

    private static Grant Upload(int party = 0, TimeSpan? lifetime = null) => new()
    {
        Purpose = GrantPurpose.UploadDataset,
        Party = party,
        Project = "prj-1",
        Resource = "ds-7",
        User = "alice",
        MaxBytes = 1 << 20,
        IssuedAt = Now,
        ExpiresAt = Now + (lifetime ?? TimeSpan.FromMinutes(30)),
        Nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
    };

    [Fact]
    public void A_grant_signed_by_the_platform_verifies_for_its_party_and_purpose()
    {
        Grant grant = Upload();
        string token = GrantToken.Sign(grant, _signer);
        Grant? verified = GrantToken.Verify(token, _verifier, 0, GrantPurpose.UploadDataset, Now.AddMinutes(1), out string reason);
        Assert.Equal(grant, verified);
        Assert.Empty(reason);
    }

    [Fact]
    public void The_other_party_refuses_it()
    {
        string token = GrantToken.Sign(Upload(party: 0), _signer);
        Assert.Null(GrantToken.Verify(token, _verifier, 1, GrantPurpose.UploadDataset, Now, out string reason));
        Assert.Contains("party 0, not party 1", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void It_does_not_serve_another_purpose()
    {
        string token = GrantToken.Sign(Upload(), _signer);
        Assert.Null(GrantToken.Verify(token, _verifier, 0, GrantPurpose.DownloadModel, Now, out _));
    }

    [Fact]
    public void An_expired_grant_is_refused()
    {
        string token = GrantToken.Sign(Upload(lifetime: TimeSpan.FromMinutes(5)), _signer);
        Assert.NotNull(GrantToken.Verify(token, _verifier, 0, GrantPurpose.UploadDataset, Now.AddMinutes(6), out _)); // within the skew
        Assert.Null(GrantToken.Verify(token, _verifier, 0, GrantPurpose.UploadDataset, Now.AddMinutes(8), out string reason));
        Assert.Contains("expired", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grant_issued_in_the_future_is_refused()
    {
        string token = GrantToken.Sign(Upload(), _signer);
        Assert.Null(GrantToken.Verify(token, _verifier, 0, GrantPurpose.UploadDataset, Now.AddMinutes(-10), out string reason));
        Assert.Contains("future", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Edited_claims_break_the_signature()
    {
        string token = GrantToken.Sign(Upload(), _signer);
        string[] parts = token[GrantToken.Prefix.Length..].Split('.');
        string claims = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(Pad(parts[0])));
        string forged = claims.Replace("\"ds-7\"", "\"ds-8\"", StringComparison.Ordinal);
        string forgedToken = GrantToken.Prefix + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(forged)).TrimEnd('=').Replace('+', '-').Replace('/', '_') + "." + parts[1];
        Assert.Null(GrantToken.Verify(forgedToken, _verifier, 0, GrantPurpose.UploadDataset, Now, out string reason));
        Assert.Contains("signature", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grant_signed_by_another_role_is_refused()
    {
        using ServiceIdentity party0 = _deployment.Identity(ServiceRole.Party0);
        using ECDsa partyKey = party0.Certificate.GetECDsaPrivateKey()!;
        string token = GrantToken.Sign(Upload(party: 1), partyKey);
        Assert.Null(GrantToken.Verify(token, _verifier, 1, GrantPurpose.UploadDataset, Now, out _));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Bearer abc")]
    [InlineData("igg1.")]
    [InlineData("igg1.abc")]
    [InlineData("igg1.abc.def.ghi")]
    [InlineData("igg1.!!!.???")]
    public void Garbage_is_refused_without_throwing(string? token) =>
        Assert.Null(GrantToken.Verify(token, _verifier, 0, GrantPurpose.UploadDataset, Now, out _));

    private static string Pad(string base64Url)
    {
        string s = base64Url.Replace('-', '+').Replace('_', '/');
        return s + new string('=', (4 - s.Length % 4) % 4);
    }

    public void Dispose()
    {
        _signer.Dispose();
        _verifier.Dispose();
        _platform.Dispose();
        _deployment.Dispose();
    }
}
