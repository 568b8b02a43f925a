using System.Net;
using System.Text.Json;
using Imguard.Client.Consent;
using Imguard.Client.Platform;
using Imguard.Contracts.Consent;

namespace Imguard.Cli.Tests.Client.Consent;

/// <summary><c>imguard login</c>'s key registration: only when the account has none, or when asked to replace another.</summary>
public sealed class SigningKeyRegistrationTests : IDisposable
{
    private const string KeyPath = "api/me/signing-key";
    private readonly ConsentFixture _fixture = new();
    private readonly FakePlatform _platform = new();

    public void Dispose()
    {
        _fixture.Dispose();
        _platform.Dispose();
    }

    private void Registered(byte[] key) =>
        _platform.On(HttpMethod.Get, KeyPath, new SigningKeyView(Convert.ToBase64String(key), OwnerKeys.ShortFingerprint(key), DateTimeOffset.UnixEpoch));

    private void AcceptPut() => _platform.On(HttpMethod.Put, KeyPath, body =>
    {
        var request = JsonSerializer.Deserialize<SigningKeyRequest>(body!, PlatformApi.Json)!;
        return (HttpStatusCode.OK, new SigningKeyView(request.Key, "", DateTimeOffset.UnixEpoch));
    });

    [Fact]
    public async Task An_account_without_a_key_gets_this_devices_key()
    {
        AcceptPut();
        using PlatformApi api = _platform.Client();

        SigningKeyRegistration done = await SigningKeyRegistration.EnsureAsync(api, _fixture.Device.PublicKey, replace: false);

        Assert.Equal(SigningKeyOutcome.Registered, done.Outcome);
        string body = Assert.Single(_platform.Sent(HttpMethod.Put, KeyPath)).Body!;
        Assert.Equal(_fixture.Device.PublicKey, Convert.FromBase64String(JsonSerializer.Deserialize<SigningKeyRequest>(body, PlatformApi.Json)!.Key));
    }

    [Fact]
    public async Task Another_key_stays_unless_replacing_is_asked_for_and_the_line_says_how()
    {
        Registered(_fixture.BobKey);
        AcceptPut();
        using PlatformApi api = _platform.Client();

        SigningKeyRegistration kept = await SigningKeyRegistration.EnsureAsync(api, _fixture.Device.PublicKey, replace: false);
        Assert.Equal(SigningKeyOutcome.OtherKeyRegistered, kept.Outcome);
        Assert.Empty(_platform.Sent(HttpMethod.Put, KeyPath));
        Assert.Contains(OwnerKeys.ShortFingerprint(_fixture.BobKey), kept.Describe(), StringComparison.Ordinal);
        Assert.Contains("imguard key register --replace", kept.Describe(), StringComparison.Ordinal);

        SigningKeyRegistration replaced = await SigningKeyRegistration.EnsureAsync(api, _fixture.Device.PublicKey, replace: true);
        Assert.Equal(SigningKeyOutcome.Replaced, replaced.Outcome);
        Assert.Single(_platform.Sent(HttpMethod.Put, KeyPath));
    }

    [Fact]
    public async Task The_same_key_is_not_sent_again()
    {
        Registered(_fixture.Device.PublicKey);
        using PlatformApi api = _platform.Client();

        SigningKeyRegistration done = await SigningKeyRegistration.EnsureAsync(api, _fixture.Device.PublicKey, replace: true);

        Assert.Equal(SigningKeyOutcome.AlreadyRegistered, done.Outcome);
        Assert.Empty(_platform.Sent(HttpMethod.Put, KeyPath));
    }
}
