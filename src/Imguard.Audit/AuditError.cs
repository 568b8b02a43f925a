namespace Imguard.Audit;

/// <summary>
/// The one place exceptions of the audit library are made, so that messages stay uniform and never carry a value
/// that could be secret: they name keys, lengths, limits and sequence numbers only.
/// </summary>
internal static class AuditError
{
    public static ArgumentException Empty(string parameter, string what) =>
        new($"The {what} must not be empty.", parameter);

    public static ArgumentException TooLong(string parameter, string what, int length, int limit) =>
        new($"The {what} is {length} characters long; the limit is {limit}.", parameter);

    public static ArgumentException BadCharacters(string parameter, string what, string allowed) =>
        new($"The {what} contains characters outside {allowed}.", parameter);

    public static ArgumentException TooMany(string parameter, string what, int count, int limit) =>
        new($"{count} {what} given; the limit is {limit}.", parameter);

    public static ArgumentException DuplicateKey(string key) =>
        new($"The audit property '{key}' is given twice.", nameof(key));

    public static ArgumentException SecretKey(string key) =>
        new($"The audit property '{key}' is refused: its name says it holds a secret (token, password, key " +
            "material, a share, a weight, a seed, ...). Audit events carry ids, sizes, hashes and counts, never " +
            "values; log an id or a hash of it instead.", nameof(key));

    public static ArgumentException CredentialValue(string parameter, string what) =>
        new($"The {what} is refused: it looks like a credential (a bearer token, a JWT, a PEM block or a long " +
            "base64 string). Audit events carry ids, sizes, hashes and counts, never values.", parameter);

    public static ArgumentException BadHash(string parameter, int length) =>
        new($"A hash of {length} bytes was given; audit hashes are 16 to 64 bytes.", parameter);

    public static ArgumentOutOfRangeException OutOfRange(string parameter, string message) => new(parameter, message);

    public static ArgumentException BadTimeRange() =>
        new("The query's time range ends before it starts.", "query");

    public static ArgumentException NotUtc(string parameter) =>
        new("Audit timestamps are UTC; give a DateTimeOffset with a zero offset.", parameter);

    public static ArgumentException WrongCurve(int keySize) =>
        new($"Audit keys are ECDSA over NIST P-256; this key is not (key size {keySize} bits or another curve).");

    public static ArgumentException BadProvider(string name) =>
        new($"Unknown audit database provider '{name}'; use Sqlite or PostgreSql.");

    public static InvalidOperationException ChainForked(long sequence, Exception inner) =>
        new($"Could not write audit record {sequence}: rows for it already exist. Either another writer appended it " +
            "first (the audit log has one writer; a second process must not write to the same database) or the " +
            "database was altered outside the log; run the verifier.", inner);
}
