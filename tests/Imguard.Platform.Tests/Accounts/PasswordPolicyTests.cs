using Imguard.Platform.Accounts;

namespace Imguard.Platform.Tests.Accounts;

public sealed class PasswordPolicyTests
{
    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("twelve chars")]
    [InlineData("ÜnïcødeΠαssφρασε")]
    public void Long_enough_passwords_are_accepted(string password) => Assert.Null(PasswordPolicy.Check(password, "alice"));

    [Theory]
    [InlineData(null, "required")]
    [InlineData("", "required")]
    [InlineData("eleven char", "at least 12")]
    [InlineData("aaaaaaaaaaaaaaaa", "repeated")]
    [InlineData("Alice.Example", "user name")]
    public void Weak_passwords_are_refused_with_a_message_that_says_what_to_change(string? password, string expected)
    {
        string? message = PasswordPolicy.Check(password, "alice.example");
        Assert.NotNull(message);
        Assert.Contains(expected, message, StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(password))
        {
            Assert.DoesNotContain(password, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Overlong_passwords_are_refused()
    {
        Assert.Null(PasswordPolicy.Check(new string('x', 1023) + "y", null));
        Assert.Contains("at most", PasswordPolicy.Check(new string('x', 1024) + "y", null), StringComparison.Ordinal);
    }
}
