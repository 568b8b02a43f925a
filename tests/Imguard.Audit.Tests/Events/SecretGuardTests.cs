using Imguard.Audit.Events;

namespace Imguard.Audit.Tests.Events;

public sealed class SecretGuardTests
{
    [Theory]
    [InlineData("token")]
    [InlineData("apiToken")]
    [InlineData("upload_token")]
    [InlineData("Password")]
    [InlineData("passwd")]
    [InlineData("clientSecret")]
    [InlineData("share")]
    [InlineData("share0")]
    [InlineData("shareCount")]
    [InlineData("model.weights")]
    [InlineData("weight")]
    [InlineData("prgSeed")]
    [InlineData("private_key")]
    [InlineData("api-key")]
    [InlineData("sessionCookie")]
    [InlineData("Authorization")]
    public void Names_that_announce_a_secret_are_recognised(string key) => Assert.True(SecretGuard.IsSecretKey(key));

    [Theory]
    [InlineData("datasetId")]
    [InlineData("bytes")]
    [InlineData("count")]
    [InlineData("sha256")]
    [InlineData("epoch")]
    [InlineData("keyId")]
    [InlineData("imageCount")]
    public void Names_of_ids_sizes_hashes_and_counts_pass(string key) => Assert.False(SecretGuard.IsSecretKey(key));

    [Theory]
    [InlineData("Bearer abc.def")]
    [InlineData("basic dXNlcjpwYXNz")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [InlineData("-----BEGIN PRIVATE KEY-----")]
    [InlineData("k8sX2vQ9pL3mN7rT1wY5zA4bC6dE8fG0hJ2kL4")] // 38 base64 characters, mixed case and digits
    public void Credential_like_values_are_recognised(string value) => Assert.True(SecretGuard.LooksLikeCredential(value));

    [Theory]
    [InlineData("ds-12")]
    [InlineData("3f6751853e52d49220c048cc2736ecf8cbbd9238b7a2657a4cd75ffbd83334fd")] // a hex hash
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e")] // a GUID
    [InlineData("fashion-mnist-training-set-first-half")] // a long lower-case slug
    [InlineData("user:alice")]
    public void Ids_hashes_and_names_pass(string value) => Assert.False(SecretGuard.LooksLikeCredential(value));
}
