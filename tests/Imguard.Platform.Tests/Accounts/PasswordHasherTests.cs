using Imguard.Platform.Accounts;

namespace Imguard.Platform.Tests.Accounts;

public sealed class PasswordHasherTests
{
    private readonly PasswordHasher _fast = new(iterations: 1_000);

    [Fact]
    public void The_production_hasher_writes_a_versioned_self_describing_hash_with_600000_iterations()
    {
        var hasher = new PasswordHasher();
        Assert.Equal(600_000, hasher.Iterations);
        string hash = hasher.Hash("correct horse battery staple");
        string[] parts = hash.Split('$');
        Assert.Equal(["", "pbkdf2-sha256", "v=1", "i=600000"], parts[..4]);
        Assert.Equal(16, Convert.FromBase64String(parts[4] + "==").Length);
        Assert.Equal(32, Convert.FromBase64String(parts[5] + "=").Length);
        Assert.Equal(PasswordVerification.Succeeded, hasher.Verify(hash, "correct horse battery staple"));
    }

    [Fact]
    public void The_right_password_verifies_and_a_wrong_one_does_not()
    {
        string hash = _fast.Hash("correct horse battery staple");
        Assert.Equal(PasswordVerification.Succeeded, _fast.Verify(hash, "correct horse battery staple"));
        Assert.Equal(PasswordVerification.Failed, _fast.Verify(hash, "correct horse battery stapler"));
        Assert.Equal(PasswordVerification.Failed, _fast.Verify(hash, "Correct horse battery staple"));
        Assert.Equal(PasswordVerification.Failed, _fast.Verify(hash, ""));
        Assert.DoesNotContain("staple", hash, StringComparison.Ordinal);
    }

    [Fact]
    public void Salts_differ_so_equal_passwords_hash_differently()
    {
        string first = _fast.Hash("same password here");
        string second = _fast.Hash("same password here");
        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[4], second.Split('$')[4]);
        Assert.Equal(PasswordVerification.Succeeded, _fast.Verify(second, "same password here"));
    }

    [Fact]
    public void A_hash_with_fewer_iterations_than_the_hasher_uses_needs_rehashing()
    {
        string old = _fast.Hash("correct horse battery staple");
        var stronger = new PasswordHasher(iterations: 2_000);
        Assert.True(stronger.NeedsRehash(old));
        Assert.False(_fast.NeedsRehash(old));
        Assert.Equal(PasswordVerification.SucceededRehashNeeded, stronger.Verify(old, "correct horse battery staple"));
        Assert.Equal(PasswordVerification.Failed, stronger.Verify(old, "wrong"));
        // A hash with more iterations than current is still fine: the count comes from the string.
        Assert.Equal(PasswordVerification.Succeeded, _fast.Verify(stronger.Hash("abcdefghijklm"), "abcdefghijklm"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("$pbkdf2-sha256$v=1$i=1000$AAAA")]
    [InlineData("$pbkdf2-sha256$v=2$i=1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$pbkdf2-sha512$v=1$i=1000$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$pbkdf2-sha256$v=1$i=-5$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$pbkdf2-sha256$v=1$i=99999999999$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("$pbkdf2-sha256$v=1$i=1000$!!!!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void A_malformed_stored_hash_fails_verification_and_needs_rehashing(string stored)
    {
        Assert.Equal(PasswordVerification.Failed, _fast.Verify(stored, "anything at all"));
        Assert.True(_fast.NeedsRehash(stored));
    }
}
