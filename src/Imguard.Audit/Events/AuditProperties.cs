using System.Text;
using System.Text.Json;

namespace Imguard.Audit.Events;

/// <summary>
/// The small set of non-secret facts an audit event carries: ids, sizes, hashes and counts. Names are checked by
/// <see cref="SecretGuard"/> (a name announcing a secret is refused), strings must not look like credentials, and
/// the set is written as compact JSON with its keys in ordinal order.
/// </summary>
public sealed class AuditProperties
{
    /// <summary>The most properties one event may carry.</summary>
    public const int MaxCount = 32;

    /// <summary>The longest property name.</summary>
    public const int MaxKeyLength = 64;

    /// <summary>The longest string value (an id or a short name; hashes go through <see cref="AddHash"/>).</summary>
    public const int MaxStringLength = 256;

    private readonly SortedDictionary<string, object> _values = new(StringComparer.Ordinal);

    /// <summary>How many properties have been added.</summary>
    public int Count => _values.Count;

    /// <summary>Adds an id or a short name.</summary>
    public AuditProperties Add(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        ValidateKey(key);
        if (value.Length > MaxStringLength)
        {
            throw AuditError.TooLong(nameof(value), $"value of audit property '{key}'", value.Length, MaxStringLength);
        }

        if (value.Any(char.IsControl))
        {
            throw AuditError.BadCharacters(nameof(value), $"value of audit property '{key}'", "printable characters");
        }

        SecretGuard.EnsureNotCredential(value, nameof(value), $"value of audit property '{key}'");
        return Put(key, value);
    }

    /// <summary>Adds a size or a count.</summary>
    public AuditProperties Add(string key, long value)
    {
        ValidateKey(key);
        return Put(key, value);
    }

    /// <summary>Adds a flag.</summary>
    public AuditProperties Add(string key, bool value)
    {
        ValidateKey(key);
        return Put(key, value);
    }

    /// <summary>Adds a hash (16 to 64 bytes), written as lower-case hex.</summary>
    public AuditProperties AddHash(string key, ReadOnlySpan<byte> hash)
    {
        ValidateKey(key);
        if (hash.Length is < 16 or > 64)
        {
            throw AuditError.BadHash(nameof(hash), hash.Length);
        }

        return Put(key, Convert.ToHexStringLower(hash));
    }

    /// <summary>The properties as compact JSON, keys in ordinal order: the text the audit record stores and hashes.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in _values)
            {
                switch (value)
                {
                    case string s:
                        writer.WriteString(key, s);
                        break;
                    case long l:
                        writer.WriteNumber(key, l);
                        break;
                    case bool b:
                        writer.WriteBoolean(key, b);
                        break;
                }
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private AuditProperties Put(string key, object value)
    {
        if (_values.Count >= MaxCount)
        {
            throw AuditError.TooMany(nameof(key), "audit properties", _values.Count + 1, MaxCount);
        }

        if (!_values.TryAdd(key, value))
        {
            throw AuditError.DuplicateKey(key);
        }

        return this;
    }

    private static void ValidateKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw AuditError.Empty(nameof(key), "audit property name");
        }

        if (key.Length > MaxKeyLength)
        {
            throw AuditError.TooLong(nameof(key), "audit property name", key.Length, MaxKeyLength);
        }

        if (!char.IsAsciiLetter(key[0]) || !key.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.'))
        {
            throw AuditError.BadCharacters(nameof(key), "audit property name", "an ASCII letter followed by letters, digits, '_', '-' and '.'");
        }

        if (SecretGuard.IsSecretKey(key))
        {
            throw AuditError.SecretKey(key);
        }
    }
}
