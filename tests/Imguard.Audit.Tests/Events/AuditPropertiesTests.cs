using Imguard.Audit.Events;

namespace Imguard.Audit.Tests.Events;

public sealed class AuditPropertiesTests
{
    [Fact]
    public void Properties_are_compact_JSON_with_keys_in_ordinal_order()
    {
        string json = new AuditProperties()
            .Add("zeta", "z")
            .Add("bytes", 1024)
            .Add("ok", true)
            .AddHash("sha256", new byte[] { 0xAB, 0xCD, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13 })
            .ToJson();
        Assert.Equal("""{"bytes":1024,"ok":true,"sha256":"abcd000102030405060708090a0b0c0d","zeta":"z"}""", json);
    }

    [Theory]
    [InlineData("token")]
    [InlineData("password")]
    [InlineData("secret")]
    [InlineData("share")]
    [InlineData("weight")]
    [InlineData("uploadToken")]
    public void A_secret_property_name_is_refused_with_a_message_that_names_the_key_but_not_the_value(string key)
    {
        const string value = "value-that-must-not-leak";
        var e = Assert.Throws<ArgumentException>(() => new AuditProperties().Add(key, value));
        Assert.Contains($"'{key}'", e.Message, StringComparison.Ordinal);
        Assert.Contains("never", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, e.Message, StringComparison.Ordinal);

        // Whatever the value's type.
        Assert.Throws<ArgumentException>(() => new AuditProperties().Add(key, 42));
        Assert.Throws<ArgumentException>(() => new AuditProperties().AddHash(key, new byte[32]));
    }

    [Fact]
    public void A_credential_looking_value_is_refused_under_any_name_and_not_echoed()
    {
        const string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
        var e = Assert.Throws<ArgumentException>(() => new AuditProperties().Add("note", jwt));
        Assert.Contains("credential", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(jwt, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_names_duplicates_long_values_bad_hashes_and_too_many_properties_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new AuditProperties().Add("", "x"));
        Assert.Throws<ArgumentException>(() => new AuditProperties().Add("1abc", "x"));
        Assert.Throws<ArgumentException>(() => new AuditProperties().Add("a b", "x"));
        Assert.Throws<ArgumentException>(() => new AuditProperties().Add(new string('a', AuditProperties.MaxKeyLength + 1), "x"));
        Assert.Throws<ArgumentException>(() => new AuditProperties().Add("a", 1).Add("a", 2));
        Assert.Throws<ArgumentException>(() => new AuditProperties().Add("a", new string('x', AuditProperties.MaxStringLength + 1)));
        Assert.Throws<ArgumentException>(() => new AuditProperties().Add("a", "line\nbreak"));
        Assert.Throws<ArgumentException>(() => new AuditProperties().AddHash("h", new byte[8]));
        var many = new AuditProperties();
        for (int i = 0; i < AuditProperties.MaxCount; i++)
        {
            many.Add($"p{i}", i);
        }

        Assert.Throws<ArgumentException>(() => many.Add("oneTooMany", 1));
    }
}
