using System.Net.Http.Headers;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Tls;

namespace Imguard.SystemTests;

/// <summary>The system tests' HTTPS client for a deployment's platform: its CA pinned, an API token when given.</summary>
internal static class DeploymentPlatform
{
    public static HttpClient Client(string data, TimeSpan timeout, string? token = null)
    {
        var directory = new DataDirectory(data);
        var client = new HttpClient(MutualTls.CreateClientHandler(DeploymentPki.LoadAuthorityCertificate(directory), ServiceRole.Platform))
        {
            BaseAddress = DeploymentSettings.Load(directory.SettingsPath).Platform.Url,
            Timeout = timeout,
        };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return client;
    }
}
