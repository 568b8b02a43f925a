using System.Security.Cryptography;
using Imguard.Client.Consent;
using Imguard.Contracts.Consent;
using Imguard.Testing;

namespace Imguard.Cli.Tests.Client;

/// <summary>
/// The CLI user's consent key (issue 17, item 4): made once beside the login profile, 0600, reused afterwards, never
/// replaced; a key file other users can read is refused; its signatures verify under its public key.
/// </summary>
public sealed class OwnerSigningKeyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "imguard-key-" + Guid.NewGuid().ToString("N"));

    public OwnerSigningKeyTests() => FileModes.UseUsualUmask();

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Fact]
    public void The_key_lives_beside_the_profile_and_is_made_once()
    {
        string profile = Path.Combine(_root, "cfg", "profile.json");
        string path = OwnerSigningKey.PathBeside(profile);
        Assert.Equal(Path.Combine(_root, "cfg", "profile.owner-key.pem"), path);

        using OwnerSigningKey made = OwnerSigningKey.LoadOrCreate(path);
        using OwnerSigningKey again = OwnerSigningKey.LoadOrCreate(path);

        Assert.Equal(made.PublicKey, again.PublicKey);
        Assert.Null(OwnerKeys.Check(made.PublicKey));
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(path), StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(FileModes.File0600, File.GetUnixFileMode(path));
            Assert.Equal(FileModes.Folder0700, File.GetUnixFileMode(Path.GetDirectoryName(path)!));
        }
    }

    [Fact]
    public void Its_signature_verifies_under_its_public_key()
    {
        using OwnerSigningKey key = OwnerSigningKey.LoadOrCreate(Path.Combine(_root, "k.pem"));
        byte[] digest = SHA256.HashData("job terms"u8);
        Assert.True(ConsentSignature.Verify(key.PublicKey, digest, key.Sign(digest)));
    }

    [Fact]
    public void A_key_file_other_users_can_read_is_refused()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }
        string path = Path.Combine(_root, "k.pem");
        using (OwnerSigningKey.LoadOrCreate(path))
        {
        }
        File.SetUnixFileMode(path, FileModes.File0600 | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        InvalidOperationException e = Assert.Throws<InvalidOperationException>(() => OwnerSigningKey.LoadOrCreate(path));
        Assert.Contains("readable or writable by other users", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_p256_private_key_is_refused()
    {
        Directory.CreateDirectory(_root);
        string garbage = Path.Combine(_root, "garbage.pem");
        File.WriteAllText(garbage, "not a key");
        string p384 = Path.Combine(_root, "p384.pem");
        using (ECDsa other = ECDsa.Create(ECCurve.NamedCurves.nistP384))
        {
            File.WriteAllText(p384, other.ExportPkcs8PrivateKeyPem());
        }
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(garbage, FileModes.File0600);
            File.SetUnixFileMode(p384, FileModes.File0600);
        }

        Assert.Throws<InvalidDataException>(() => OwnerSigningKey.Load(garbage));
        Assert.Contains("not an ECDSA P-256 key", Assert.Throws<InvalidDataException>(() => OwnerSigningKey.Load(p384)).Message, StringComparison.Ordinal);
    }
}
