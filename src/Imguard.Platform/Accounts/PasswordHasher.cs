using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;

namespace Imguard.Platform.Accounts;

/// <summary>
/// Password hashing with PBKDF2-HMAC-SHA256 (NIST SP 800-132; 600,000 iterations as OWASP's 2023 guidance for
/// this function), a 16-byte salt from the OS CSPRNG and a 32-byte derived key, written as a self-describing string
/// <c>$pbkdf2-sha256$v=1$i=600000$&lt;salt&gt;$&lt;hash&gt;</c> (unpadded base64). The string carries everything
/// needed to verify it, so raising the iteration count or changing the format later only needs
/// <see cref="PasswordVerification.SucceededRehashNeeded"/> on the next login. Comparison is constant-time.
/// </summary>
public sealed class PasswordHasher
{
    /// <summary>The iteration count for new hashes.</summary>
    public const int DefaultIterations = 600_000;

    /// <summary>Salt length in bytes.</summary>
    public const int SaltSize = 16;

    /// <summary>Derived key length in bytes.</summary>
    public const int HashSize = 32;

    /// <summary>The version written into new hashes.</summary>
    public const int FormatVersion = 1;

    private const string Algorithm = "pbkdf2-sha256";

    // A stored count above this is refused rather than run: it would stall the login thread for minutes.
    private const int MaxIterations = 10_000_000;

    private readonly Lazy<string> _decoy;

    /// <summary>A hasher with <see cref="DefaultIterations"/>.</summary>
    public PasswordHasher()
        : this(DefaultIterations)
    {
    }

    /// <summary>A hasher with another iteration count: only tests use fewer, to keep them fast.</summary>
    internal PasswordHasher(int iterations)
    {
        if (iterations is < 1 or > MaxIterations)
        {
            throw PlatformError.BadOption(nameof(iterations), $"1 to {MaxIterations}");
        }

        Iterations = iterations;
        _decoy = new Lazy<string>(() => Hash("decoy password for unknown users"));
    }

    /// <summary>The iteration count new hashes get; a stored hash with fewer needs rehashing.</summary>
    public int Iterations { get; }

    /// <summary>A fresh salted hash of <paramref name="password"/> in the versioned string format.</summary>
    public string Hash(string password)
    {
        ArgumentNullException.ThrowIfNull(password);
        Span<byte> salt = stackalloc byte[SaltSize];
        Span<byte> hash = stackalloc byte[HashSize];
        RandomNumberGenerator.Fill(salt);
        Rfc2898DeriveBytes.Pbkdf2(password, salt, hash, Iterations, HashAlgorithmName.SHA256);
        string encoded = $"${Algorithm}$v={FormatVersion}$i={Iterations}${Convert.ToBase64String(salt).TrimEnd('=')}${Convert.ToBase64String(hash).TrimEnd('=')}";
        CryptographicOperations.ZeroMemory(hash);
        return encoded;
    }

    /// <summary>
    /// Checks <paramref name="password"/> against <paramref name="storedHash"/> in constant time (for a given
    /// iteration count). A malformed stored hash fails verification rather than throwing, so a damaged row cannot
    /// be used to log in and cannot take the login endpoint down.
    /// </summary>
    public PasswordVerification Verify(string storedHash, string password)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        ArgumentNullException.ThrowIfNull(password);
        if (!TryParse(storedHash, out int version, out int iterations, out byte[] salt, out byte[] expected))
        {
            return PasswordVerification.Failed;
        }

        byte[] actual = new byte[expected.Length];
        Rfc2898DeriveBytes.Pbkdf2(password, salt, actual, iterations, HashAlgorithmName.SHA256);
        bool equal = CryptographicOperations.FixedTimeEquals(actual, expected);
        CryptographicOperations.ZeroMemory(actual);
        if (!equal)
        {
            return PasswordVerification.Failed;
        }

        return NeedsRehash(version, iterations, salt.Length, expected.Length)
            ? PasswordVerification.SucceededRehashNeeded
            : PasswordVerification.Succeeded;
    }

    /// <summary>True when <paramref name="storedHash"/> was made with older settings than this hasher's (or cannot be read).</summary>
    public bool NeedsRehash(string storedHash)
    {
        ArgumentNullException.ThrowIfNull(storedHash);
        return !TryParse(storedHash, out int version, out int iterations, out byte[] salt, out byte[] hash)
            || NeedsRehash(version, iterations, salt.Length, hash.Length);
    }

    /// <summary>
    /// Spends the same work as verifying a real password, for a login with an unknown user name: the response
    /// time then does not tell which user names exist.
    /// </summary>
    internal void VerifyDecoy(string password) => Verify(_decoy.Value, password);

    private bool NeedsRehash(int version, int iterations, int saltLength, int hashLength) =>
        version < FormatVersion || iterations < Iterations || saltLength < SaltSize || hashLength != HashSize;

    private static bool TryParse(string stored, out int version, out int iterations, out byte[] salt, out byte[] hash)
    {
        version = iterations = 0;
        salt = hash = [];
        string[] parts = stored.Split('$');
        if (parts.Length != 6 || parts[0].Length != 0 || parts[1] != Algorithm
            || !parts[2].StartsWith("v=", StringComparison.Ordinal) || !parts[3].StartsWith("i=", StringComparison.Ordinal)
            || !int.TryParse(parts[2].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out version)
            || !int.TryParse(parts[3].AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out iterations)
            || version < 1 || version > FormatVersion || iterations < 1 || iterations > MaxIterations)
        {
            return false;
        }

        return TryDecode(parts[4], out salt) && salt.Length >= 8 && TryDecode(parts[5], out hash) && hash.Length >= 16;
    }

    private static bool TryDecode(string unpadded, out byte[] bytes)
    {
        bytes = [];
        string padded = unpadded + new string('=', (4 - unpadded.Length % 4) % 4);
        if (unpadded.Length % 4 == 1 || !Base64.IsValid(padded))
        {
            return false;
        }

        bytes = Convert.FromBase64String(padded);
        return true;
    }
}
