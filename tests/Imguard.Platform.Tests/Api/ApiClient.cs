using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Imguard.Platform.Security;

namespace Imguard.Platform.Tests.Api;

/// <summary>
/// A test's HTTP client for the platform: keeps the session cookie, sends the CSRF token from the
/// <c>XSRF-TOKEN</c> cookie in <c>X-XSRF-TOKEN</c> (as the web app does; <c>csrf: false</c> to leave it out), or an
/// API token as <c>Authorization: Bearer</c>.
/// </summary>
public sealed class ApiClient(HttpClient http, CookieContainer? cookies = null) : IDisposable
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public HttpClient Http { get; } = http;

    public string? Bearer { get; set; }

    private ECDsa? _signingKey;

    /// <summary>
    /// The user's signing key, made on first use, as the CLI's profile key file or the browser's key would be: its
    /// public half goes into the share-file headers the parties report (<see cref="ApiTestData.ReadyDatasetAsync"/>)
    /// and is registered as the user's key; the user signs jobs' consent terms with it.
    /// </summary>
    public ECDsa SigningKey => _signingKey ??= ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public half of <see cref="SigningKey"/> (SubjectPublicKeyInfo DER).</summary>
    public byte[] PublicKey => SigningKey.ExportSubjectPublicKeyInfo();

    public CookieContainer? Cookies { get; } = cookies;

    public string? Cookie(string name) => Cookies?.GetCookies(Http.BaseAddress!)[name]?.Value;

    public Task<HttpResponseMessage> GetAsync(string path) => SendAsync(HttpMethod.Get, path, null);

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null, bool csrf = true) => SendAsync(HttpMethod.Post, path, body, csrf);

    public Task<HttpResponseMessage> PutAsync(string path, object? body, bool csrf = true) => SendAsync(HttpMethod.Put, path, body, csrf);

    public Task<HttpResponseMessage> DeleteAsync(string path, bool csrf = true) => SendAsync(HttpMethod.Delete, path, null, csrf);

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, bool csrf = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        if (Bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Bearer);
        }

        if (csrf && Cookie(CsrfProtection.TokenCookieName) is { } token)
        {
            request.Headers.Add(CsrfProtection.HeaderName, token);
        }

        return await Http.SendAsync(request);
    }

    /// <summary>Sends and reads the JSON answer, asserting the status first (with the body in the message).</summary>
    public async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using HttpResponseMessage response = await SendAsync(method, path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, Json)!;
    }

    public Task<T> GetAsync<T>(string path) => SendAsync<T>(HttpMethod.Get, path, null);

    public Task<T> PostAsync<T>(string path, object? body, HttpStatusCode expected = HttpStatusCode.OK) => SendAsync<T>(HttpMethod.Post, path, body, expected);

    public void Dispose()
    {
        Http.Dispose();
        _signingKey?.Dispose();
    }
}
