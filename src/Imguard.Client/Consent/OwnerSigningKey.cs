using System.Security.Cryptography;
using System.Text;
using Imguard.Contracts.Consent;
using Imguard.Contracts.Files;

namespace Imguard.Client.Consent;

/// <summary>
/// The CLI user's signing key for consent and model requests: ECDSA P-256, made on this machine the first time it is
/// needed and kept as a PKCS#8 PEM file beside the login profile (<c>profile.json</c> → <c>profile.owner-key.pem</c>),
/// mode 0600. Its public half goes into the share files the user writes and into the jobs they approve; the private
/// half never leaves the file. A key file other users can read is refused, as ssh refuses one: anyone who can read
/// it can approve jobs in this user's name.
/// </summary>
public sealed class OwnerSigningKey : IDisposable
{
    private const string PemLabel = "PRIVATE KEY";

    private readonly ECDsa key;

    private OwnerSigningKey(ECDsa key, string path)
    {
        this.key = key;
        Path = path;
        PublicKey = key.ExportSubjectPublicKeyInfo();
    }

    /// <summary>The key file.</summary>
    public string Path { get; }

    /// <summary>SubjectPublicKeyInfo DER (<see cref="OwnerKeys"/>).</summary>
    public byte[] PublicKey { get; }

    /// <summary>The key file that belongs to the login profile at <paramref name="profilePath"/>.</summary>
    public static string PathBeside(string profilePath) =>
        System.IO.Path.ChangeExtension(System.IO.Path.GetFullPath(profilePath), ".owner-key.pem");

    /// <summary>Loads the key file, or makes a new key and writes it (0600, atomically) when there is none.</summary>
    public static OwnerSigningKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return Load(path);
        }
        ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        try
        {
            OwnerOnly.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
            char[] pem = PemEncoding.Write(PemLabel, key.ExportPkcs8PrivateKey());
            try
            {
                // Never over an existing key: a replaced key would orphan every approval signed with it.
                AtomicFile.Write(path, stream =>
                {
                    byte[] bytes = Encoding.ASCII.GetBytes(pem);
                    stream.Write(bytes);
                    CryptographicOperations.ZeroMemory(bytes);
                }, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another command of this user made the key first: use theirs.
                key.Dispose();
                return Load(path);
            }
            finally
            {
                Array.Clear(pem);
            }
            return new OwnerSigningKey(key, path);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Loads an existing key file; refuses one that other users may read or that is not a P-256 key.</summary>
    public static OwnerSigningKey Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!OperatingSystem.IsWindows())
        {
            UnixFileMode mode = File.GetUnixFileMode(path);
            const UnixFileMode others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;
            if ((mode & others) != 0)
            {
                throw new InvalidOperationException(
                    $"The signing key '{path}' is readable or writable by other users; make it yours alone (chmod 600) and check that no one copied it.");
            }
        }
        ECDsa key = ECDsa.Create();
        try
        {
            key.ImportFromPem(File.ReadAllText(path));
            if (OwnerKeys.Check(key.ExportSubjectPublicKeyInfo()) is not null)
            {
                throw new InvalidDataException($"The signing key '{path}' is not an ECDSA P-256 key.");
            }
            return new OwnerSigningKey(key, path);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException($"The signing key '{path}' is not a PEM private key.", e);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>This user's signature over a consent digest (<see cref="ConsentDigest"/>).</summary>
    public byte[] Sign(ReadOnlySpan<byte> digest) => ConsentSignature.Sign(key, digest);

    public void Dispose() => key.Dispose();
}
