using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Imguard.Contracts.Grants;
using Imguard.Party.Api;
using Microsoft.AspNetCore.Http;

namespace Imguard.Party.Tests.Api;

/// <summary>
/// Grants as the party parses them (<see cref="GrantAuthorization"/> over <see cref="GrantToken"/>): random headers,
/// mutated tokens, and claims that are signed by the platform's key but odd (a platform bug must not crash a party)
/// are refused with 401 or 403 and a well-formed challenge; nothing throws.
/// </summary>
public sealed class GrantParsingPropertyTests
{
    private const int Party = 0;
    private static readonly ECDsa PlatformKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly GrantAuthorization Grants = new(PlatformKey, Party, TimeProvider.System);
    private static readonly string Token = Sign(ValidClaims());

    private static readonly JsonNode?[] Values =
    [
        null, "", "x", "ds-1", "UploadDataset", "DownloadModel", "uploadDataset", "Nope", "0001-01-01T00:00:00+00:00",
        "9999-12-31T23:59:59+00:00", "2020-01-01", "not a date", 0, 1, 2, -1, 99, int.MaxValue, long.MaxValue, long.MinValue,
        1e308, -1e308, 0.5, true, false, new JsonArray(), new JsonObject(), new string('z', 2000),
    ];

    private static readonly string[] Fields = ["version", "purpose", "party", "project", "resource", "user", "maxBytes", "issuedAt", "expiresAt", "nonce", "extra"];

    private static JsonObject ValidClaims()
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return new JsonObject
        {
            ["version"] = 1, ["purpose"] = "UploadDataset", ["party"] = Party, ["project"] = "prj-1", ["resource"] = "ds-1",
            ["user"] = "alice", ["maxBytes"] = 1 << 20, ["issuedAt"] = now.AddMinutes(-1).ToString("O"),
            ["expiresAt"] = now.AddMinutes(30).ToString("O"), ["nonce"] = "00ff",
        };
    }

    /// <summary>Signs claims the way the platform does (<see cref="GrantToken.Sign"/>), whatever they say.</summary>
    private static string Sign(JsonNode claims) => SignBytes(Encoding.UTF8.GetBytes(claims.ToJsonString()));

    private static string SignBytes(byte[] claims)
    {
        string encoded = Base64Url(claims);
        byte[] signature = PlatformKey.SignData(Encoding.ASCII.GetBytes(GrantToken.Prefix + encoded), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return GrantToken.Prefix + encoded + "." + Base64Url(signature);
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Any header value: random text, "Bearer " and random text, and the valid token with a character changed, cut or added.</summary>
    private static Gen<string> Header =>
        Gen.OneOf(
            Gen.String,
            Gen.String.Select(s => "Bearer " + s),
            Gen.Char["abcdefABCDEF0123456789-_.=+/ igg1"].Array[0, 300].Select(s => "Bearer igg1." + new string(s)),
            Gen.Select(Gen.Int[0, 3], Gen.Int[0, 1_000_000], Gen.Char, (kind, at, c) =>
            {
                int i = at % Token.Length;
                return "Bearer " + kind switch
                {
                    0 => Token[..i] + c + Token[(i + 1)..],
                    1 => Token[..i],
                    2 => Token[..i] + c + Token[i..],
                    _ => Token[..i] + Token[(i + 1)..],
                };
            }));

    /// <summary>Signed claims with fields set to odd values or removed, or with odd times, or signed random bytes.</summary>
    private static Gen<string> SignedOddClaims =>
        Gen.OneOf(
            Gen.Select(Gen.Int[0, Fields.Length - 1].Array[1, 4], Gen.Int[0, Values.Length].Array[4], (fields, values) =>
            {
                JsonObject claims = ValidClaims();
                for (int i = 0; i < fields.Length; i++)
                {
                    if (values[i] == Values.Length)
                    {
                        claims.Remove(Fields[fields[i]]);
                    }
                    else
                    {
                        claims[Fields[fields[i]]] = Values[values[i]]?.DeepClone();
                    }
                }
                return "Bearer " + Sign(claims);
            }),
            Gen.Select(Times, Times, (issued, expires) =>
            {
                JsonObject claims = ValidClaims();
                claims["issuedAt"] = issued.ToString("O");
                claims["expiresAt"] = expires.ToString("O");
                return "Bearer " + Sign(claims);
            }),
            Gen.Byte.Array[0, 400].Select(bytes => "Bearer " + SignBytes(bytes)));

    /// <summary>Any time, the extremes included (a claim at DateTimeOffset.MinValue once made the check throw).</summary>
    private static Gen<DateTimeOffset> Times =>
        Gen.OneOf(Gen.DateTimeOffset, Gen.Const(DateTimeOffset.MinValue), Gen.Const(DateTimeOffset.MaxValue), Gen.Const(DateTimeOffset.UtcNow));

    [Fact]
    public void Any_authorization_header_is_refused_cleanly_or_is_the_valid_grant()
    {
        Assert.NotNull(Check("Bearer " + Token, out _)); // the control: the unmutated token is accepted
        Gen.OneOf(Header, SignedOddClaims).Sample(header =>
        {
            Grant? grant = Check(header, out GrantDenial denial);
            if (grant is null)
            {
                Assert.True(denial.StatusCode is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden, $"status {denial.StatusCode}");
                Assert.StartsWith("Bearer realm=\"imguard-party\"", denial.Challenge, StringComparison.Ordinal);
                Assert.All(denial.Challenge, c => Assert.InRange(c, ' ', '~'));
                Assert.DoesNotContain(Token[GrantToken.Prefix.Length..], denial.Reason, StringComparison.Ordinal);
            }
            else
            {
                // Only a header that still carries a properly signed grant for this party and purpose gets through.
                Assert.Equal(Party, grant.Party);
                Assert.Equal(GrantPurpose.UploadDataset, grant.Purpose);
                Assert.True(grant.ExpiresAt > DateTimeOffset.UtcNow - GrantToken.ClockSkew);
            }
        }, iter: 1000);
    }

    private static Grant? Check(string header, out GrantDenial denial)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Authorization = header;
        return Grants.Check(context, GrantPurpose.UploadDataset, resource: null, out denial);
    }
}
