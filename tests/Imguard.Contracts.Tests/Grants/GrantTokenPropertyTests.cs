using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Imguard.Contracts.Grants;

namespace Imguard.Contracts.Tests.Grants;

/// <summary>
/// Property tests of grant tokens as a party parses them from an <c>Authorization</c> header (any client can put
/// anything there): every string that is not a fresh grant signed by the platform for this party and purpose is
/// refused with a reason, and nothing a client sends makes <see cref="GrantToken.Verify"/> throw.
/// </summary>
public sealed class GrantTokenPropertyTests
{
    private static readonly ECDsa PlatformKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly ECDsa OtherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);
    private const string Base64UrlCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    private static readonly Gen<Grant> ValidGrant =
        from party in Gen.Int[0, 1]
        from purpose in Gen.OneOf(GrantPurpose.UploadDataset, GrantPurpose.DownloadModel)
        from names in Gen.Select(Gen.String[1, 40], Gen.String[1, 40], Gen.String[1, 40])
        from maxBytes in Gen.Long[0, 1L << 40]
        from issuedAgo in Gen.Int[0, 3600]
        from lifetime in Gen.Int[1, 3600]
        from nonce in Gen.Byte.Array[16]
        let issued = Now.AddSeconds(-issuedAgo)
        select new Grant
        {
            Purpose = purpose,
            Party = party,
            Project = names.Item1,
            Resource = names.Item2,
            User = names.Item3,
            MaxBytes = maxBytes,
            IssuedAt = issued,
            ExpiresAt = issued.AddSeconds(issuedAgo + lifetime),
            Nonce = Convert.ToHexStringLower(nonce),
        };

    private static Grant? Verify(string? token, Grant grant, ECDsa? key = null, DateTimeOffset? now = null)
    {
        var result = GrantToken.Verify(token, key ?? PlatformKey, grant.Party, grant.Purpose, now ?? Now, out string reason);
        Assert.Equal(result is null, reason.Length > 0);
        if (token is { Length: > 16 })
        {
            // A reason names what failed; it never echoes the bearer credential.
            Assert.DoesNotContain(token, reason, StringComparison.Ordinal);
        }
        return result;
    }

    private static string Base64Url(ReadOnlySpan<byte> bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A token over any claims text, signed as the platform signs: what only the platform's key can make.</summary>
    private static string SignClaims(string claimsJson, ECDsa key)
    {
        string claims = Base64Url(Encoding.UTF8.GetBytes(claimsJson));
        byte[] signature = key.SignData(Encoding.ASCII.GetBytes(GrantToken.Prefix + claims), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return GrantToken.Prefix + claims + "." + Base64Url(signature);
    }

    [Fact]
    public void Valid_grants_round_trip_through_a_token()
    {
        ValidGrant.Sample(grant =>
        {
            var verified = Verify(GrantToken.Sign(grant, PlatformKey), grant);
            Assert.Equal(grant, verified);
        }, iter: 300);
    }

    [Fact]
    public void Random_strings_are_refused()
    {
        var segment = Gen.Char[Base64UrlCharacters].Array[0, 200].Select(c => new string(c));
        Gen.Frequency(
            (2, Gen.String),
            (2, Gen.Select(segment, segment).Select((a, b) => GrantToken.Prefix + a + "." + b)),
            (1, Gen.Select(segment, Gen.Char["-_.=+/ \0A"].Array[0, 20], segment).Select((a, s, b) => GrantToken.Prefix + a + new string(s) + b)),
            (1, Gen.Const("")))
        .Sample(token => Assert.Null(Verify(token, new Grant
        {
            Purpose = GrantPurpose.UploadDataset, Party = 0, Project = "p", Resource = "r", User = "u", IssuedAt = Now, ExpiresAt = Now, Nonce = "n",
        })), iter: 3000);
    }

    [Fact]
    public void Every_single_character_change_of_a_valid_token_is_refused()
    {
        var characters = Gen.Char[Base64UrlCharacters + ".=+/ \0é"];
        Gen.Select(ValidGrant, Gen.Int[0, int.MaxValue], characters).Sample((grant, position, replacement) =>
        {
            string token = GrantToken.Sign(grant, PlatformKey);
            int at = position % token.Length;
            if (token[at] == replacement)
            {
                return;
            }
            string changed = token[..at] + replacement + token[(at + 1)..];
            Assert.Null(Verify(changed, grant));
        }, iter: 1500);
    }

    [Fact]
    public void Every_truncation_of_a_valid_token_is_refused()
    {
        ValidGrant.Sample(grant =>
        {
            string token = GrantToken.Sign(grant, PlatformKey);
            for (int length = 0; length < token.Length; length++)
            {
                Assert.Null(Verify(token[..length], grant));
            }
        }, iter: 10);
    }

    [Fact]
    public void A_grant_for_another_party_or_purpose_or_signed_by_another_key_is_refused()
    {
        ValidGrant.Sample(grant =>
        {
            string token = GrantToken.Sign(grant, PlatformKey);
            Assert.Null(Verify(token, grant, OtherKey));
            Assert.Null(Verify(GrantToken.Sign(grant, OtherKey), grant));
            Assert.Null(GrantToken.Verify(token, PlatformKey, 1 - grant.Party, grant.Purpose, Now, out _));
            var otherPurpose = grant.Purpose == GrantPurpose.UploadDataset ? GrantPurpose.DownloadModel : GrantPurpose.UploadDataset;
            Assert.Null(GrantToken.Verify(token, PlatformKey, grant.Party, otherPurpose, Now, out _));
        }, iter: 200);
    }

    [Fact]
    public void A_grant_is_accepted_exactly_from_its_issue_time_to_its_expiry_within_the_clock_skew()
    {
        Gen.Select(ValidGrant, Gen.Long[-7200, 7200]).Sample((grant, offsetSeconds) =>
        {
            var now = Now.AddSeconds(offsetSeconds);
            bool fresh = grant.IssuedAt - GrantToken.ClockSkew <= now && now < grant.ExpiresAt + GrantToken.ClockSkew;
            Assert.Equal(fresh, Verify(GrantToken.Sign(grant, PlatformKey), grant, now: now) is not null);
        }, iter: 1000);
    }

    [Fact]
    public void Huge_tokens_are_refused_before_any_parsing()
    {
        Gen.Int[GrantToken.MaxLength + 1, 1 << 20].Sample(length =>
        {
            var grant = new Grant { Purpose = GrantPurpose.UploadDataset, Party = 0, Project = "p", Resource = "r", User = "u", IssuedAt = Now, ExpiresAt = Now.AddHours(1), Nonce = "n" };
            string valid = GrantToken.Sign(grant, PlatformKey);
            string huge = valid + new string('A', length - valid.Length);
            long before = GC.GetAllocatedBytesForCurrentThread();
            Assert.Null(Verify(huge, grant));
            Assert.InRange(GC.GetAllocatedBytesForCurrentThread() - before, 0, 16 * 1024);
        }, iter: 50);
    }

    /// <summary>JSON values of every kind, including the extremes a date, a number or an enum can take.</summary>
    private static readonly Gen<JsonNode?> AnyValue = Gen.OneOf<JsonNode?>(
        null, JsonValue.Create(0), JsonValue.Create(1), JsonValue.Create(-1), JsonValue.Create(2), JsonValue.Create(long.MaxValue),
        JsonValue.Create(1e308), JsonValue.Create(""), JsonValue.Create("x"), JsonValue.Create("UploadDataset"), JsonValue.Create("DownloadModel"),
        JsonValue.Create("uploaddataset"), JsonValue.Create("0001-01-01T00:00:00+00:00"), JsonValue.Create("9999-12-31T23:59:59.9999999+00:00"),
        JsonValue.Create("0001-01-01T00:00:00+14:00"), JsonValue.Create("9999-12-31T23:59:59-14:00"), JsonValue.Create(true),
        new JsonArray(), new JsonObject());

    private static readonly JsonSerializerOptions ClaimsJson = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static readonly string[] ClaimNames = ["version", "purpose", "party", "project", "resource", "user", "maxBytes", "issuedAt", "expiresAt", "nonce"];

    [Fact]
    public void Claims_signed_with_the_platforms_key_but_of_any_content_are_accepted_whole_or_refused_never_thrown()
    {
        // Only the platform can sign, but the claims parser must not fail open or crash on what it signs by mistake
        // (a null user, a date at the end of time, a purpose number) or what a future version adds.
        Gen.Select(ValidGrant, Gen.Int[0, ClaimNames.Length - 1].Array[1, 4], AnyValue.Array[4], Gen.Bool).Sample((grant, fields, values, drop) =>
        {
            var claims = JsonSerializer.SerializeToNode(grant, ClaimsJson)!.AsObject();
            for (int i = 0; i < fields.Length; i++)
            {
                if (drop && i == 0)
                {
                    claims.Remove(ClaimNames[fields[i]]);
                }
                else
                {
                    claims[ClaimNames[fields[i]]] = values[i]?.DeepClone();
                }
            }
            var accepted = Verify(SignClaims(claims.ToJsonString(), PlatformKey), grant);
            if (accepted is not null)
            {
                Assert.Equal(1, accepted.Version);
                Assert.Equal(grant.Party, accepted.Party);
                Assert.Equal(grant.Purpose, accepted.Purpose);
                Assert.False(string.IsNullOrEmpty(accepted.Project) || string.IsNullOrEmpty(accepted.Resource)
                    || string.IsNullOrEmpty(accepted.User) || string.IsNullOrEmpty(accepted.Nonce), "a claim is missing");
                Assert.True(accepted.MaxBytes >= 0, "a negative size");
                Assert.True(accepted.IssuedAt <= accepted.ExpiresAt, "expires before it is issued");
            }
        }, iter: 600);
    }

    [Fact]
    public void Signed_claims_that_are_not_json_are_refused()
    {
        Gen.Frequency((2, Gen.String), (1, Gen.Byte.Array[0, 300].Select(b => Encoding.Latin1.GetString(b))), (1, Gen.Const("{\"version\":1,").Select(s => s + new string('[', 200))))
            .Sample(text =>
            {
                var grant = new Grant { Purpose = GrantPurpose.UploadDataset, Party = 0, Project = "p", Resource = "r", User = "u", IssuedAt = Now, ExpiresAt = Now.AddHours(1), Nonce = "n" };
                Assert.Null(Verify(SignClaims(text, PlatformKey), grant));
            }, iter: 500);
    }

    // Regression cases the properties above found (fixed seeds, named).

    [Fact]
    public void A_signature_whose_last_character_differs_only_in_bits_the_decoder_ignores_is_refused()
    {
        // 64 signature bytes are 86 base64url characters; the last carries 2 data bits and 4 unused ones. Before
        // decoding was made strict, 'A'..'P' at the end decoded alike and one token had 16 spellings that verified.
        var grant = new Grant { Purpose = GrantPurpose.UploadDataset, Party = 0, Project = "p", Resource = "r", User = "u", IssuedAt = Now, ExpiresAt = Now.AddHours(1), Nonce = "n" };
        string token = GrantToken.Sign(grant, PlatformKey);
        char last = token[^1];
        int value = Base64UrlCharacters.IndexOf(last, StringComparison.Ordinal);
        string sibling = token[..^1] + Base64UrlCharacters[value ^ 1];
        Assert.NotNull(Verify(token, grant));
        Assert.Null(Verify(sibling, grant));
    }

    [Theory]
    [InlineData("user", null)]
    [InlineData("project", "\"\"")]
    [InlineData("nonce", null)]
    [InlineData("maxBytes", "-1")]
    [InlineData("purpose", "7")]
    public void Signed_claims_missing_what_a_party_relies_on_are_refused(string claim, string? json)
    {
        var grant = new Grant { Purpose = GrantPurpose.UploadDataset, Party = 0, Project = "p", Resource = "r", User = "u", IssuedAt = Now, ExpiresAt = Now.AddHours(1), Nonce = "n" };
        var claims = JsonSerializer.SerializeToNode(grant, ClaimsJson)!.AsObject();
        claims[claim] = json is null ? null : JsonNode.Parse(json);
        var verified = GrantToken.Verify(SignClaims(claims.ToJsonString(), PlatformKey), PlatformKey, 0, GrantPurpose.UploadDataset, Now, out string reason);
        Assert.Null(verified);
        Assert.Equal("unsupported grant claims", reason);
    }

    [Theory]
    [InlineData("0001-01-01T00:00:00+00:00", "2026-12-07T13:00:00+00:00", true)]
    [InlineData("2026-12-07T11:00:00+00:00", "9999-12-31T23:59:59.9999999+00:00", true)]
    [InlineData("9999-12-31T23:59:59.9999999+00:00", "9999-12-31T23:59:59.9999999+00:00", false)]
    [InlineData("0001-01-01T00:00:00+00:00", "0001-01-01T00:00:00+00:00", false)]
    public void Times_at_the_ends_of_the_calendar_are_compared_not_overflowed(string issuedAt, string expiresAt, bool fresh)
    {
        // Shifting these by the clock skew threw ArgumentOutOfRangeException out of Verify.
        var grant = new Grant
        {
            Purpose = GrantPurpose.UploadDataset, Party = 0, Project = "p", Resource = "r", User = "u",
            IssuedAt = DateTimeOffset.Parse(issuedAt, System.Globalization.CultureInfo.InvariantCulture),
            ExpiresAt = DateTimeOffset.Parse(expiresAt, System.Globalization.CultureInfo.InvariantCulture), Nonce = "n",
        };
        Assert.Equal(fresh, Verify(GrantToken.Sign(grant, PlatformKey), grant) is not null);
    }
}
