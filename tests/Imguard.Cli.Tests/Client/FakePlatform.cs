using System.Net;
using System.Net.Http.Json;
using Imguard.Client.Platform;

namespace Imguard.Cli.Tests.Client;

/// <summary>
/// An in-memory platform for the client's unit tests: answers the routes a test sets up (method and path) with JSON in
/// the client's own serializer options, 404 otherwise, and records every request with its body.
/// </summary>
internal sealed class FakePlatform : HttpMessageHandler
{
    private readonly Dictionary<(HttpMethod Method, string Path), Func<string?, (HttpStatusCode Status, object? Body)>> _routes = [];

    public List<(HttpMethod Method, string Path, string? Body)> Requests { get; } = [];

    public void On(HttpMethod method, string path, Func<string?, (HttpStatusCode, object?)> answer) => _routes[(method, path)] = answer;

    public void On(HttpMethod method, string path, object body) => On(method, path, _ => (HttpStatusCode.OK, body));

    public IEnumerable<(HttpMethod Method, string Path, string? Body)> Sent(HttpMethod method, string path) =>
        Requests.Where(r => r.Method == method && r.Path == path);

    /// <summary>A platform client that talks to this fake (the handler stays this test's).</summary>
    public PlatformApi Client() => new(new HttpClient(this, disposeHandler: false) { BaseAddress = new Uri("https://platform.test/") });

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        string path = request.RequestUri!.AbsolutePath.TrimStart('/');
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        lock (Requests)
        {
            Requests.Add((request.Method, path, body));
        }
        if (!_routes.TryGetValue((request.Method, path), out var answer))
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = JsonContent.Create(new { title = "Not Found", detail = $"no route {path}" }) };
        }
        (HttpStatusCode status, object? value) = answer(body);
        var response = new HttpResponseMessage(status);
        if (value is not null)
        {
            response.Content = JsonContent.Create(value, value.GetType(), options: PlatformApi.Json);
        }
        return response;
    }
}
