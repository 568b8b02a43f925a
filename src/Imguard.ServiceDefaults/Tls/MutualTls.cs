using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Imguard.ServiceDefaults.Tls;

/// <summary>
/// TLS for every IMGuard endpoint and client: TLS 1.3 only, the deployment's CA as the only trusted root, role
/// certificates on both sides of a service-to-service link. A plain-TCP client fails the handshake; a client
/// certificate from another CA is refused during the handshake, before any request is read.
/// </summary>
public static class MutualTls
{
    /// <summary>
    /// Makes a Kestrel endpoint HTTPS with this service's certificate. <paramref name="clientCertificates"/>:
    /// <see cref="ClientCertificateMode.RequireCertificate"/> for service-only endpoints (audit),
    /// <see cref="ClientCertificateMode.AllowCertificate"/> where browsers and the CLI (no certificate) also call and
    /// the endpoints that only services may use check the role (<see cref="ServiceRoleFilter"/>).
    /// </summary>
    public static void UseImguardHttps(this ListenOptions listen, ServiceIdentity identity, ClientCertificateMode clientCertificates)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(identity);
        listen.Protocols = HttpProtocols.Http1AndHttp2;
        listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = identity.Certificate,
            SslProtocols = SslProtocols.Tls13,
            ClientCertificateMode = clientCertificates,
            CheckCertificateRevocation = false,
            ClientCertificateValidation = (certificate, _, _) => CertificateValidation.IsIssuedBy(certificate, identity.Authority),
            HandshakeTimeout = TimeSpan.FromSeconds(10),
        });
    }

    /// <summary>Binds Kestrel to the endpoint's listen address (a host name binds every address it resolves to on loopback only when it is localhost).</summary>
    public static void ListenOn(this KestrelServerOptions kestrel, ServiceEndpoint endpoint, ServiceIdentity identity, ClientCertificateMode clientCertificates)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(endpoint);
        (string host, int port) = endpoint.ListenAddress();
        if (IPAddress.TryParse(host, out IPAddress? address))
        {
            kestrel.Listen(address, port, listen => listen.UseImguardHttps(identity, clientCertificates));
        }
        else if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            kestrel.ListenLocalhost(port, listen => listen.UseImguardHttps(identity, clientCertificates));
        }
        else
        {
            kestrel.ListenAnyIP(port, listen => listen.UseImguardHttps(identity, clientCertificates));
        }
    }

    /// <summary>
    /// An HTTP handler for a service calling another service: presents this service's certificate and accepts only a
    /// server certificate from the deployment's CA that names <paramref name="server"/>.
    /// </summary>
    public static SocketsHttpHandler CreateServiceHandler(ServiceIdentity identity, ServiceRole server)
    {
        ArgumentNullException.ThrowIfNull(identity);
        return CreateHandler(identity.Authority, server, identity.Certificate);
    }

    /// <summary>An HTTP handler for a client without a certificate (the CLI): trusts only the deployment's CA and <paramref name="server"/>'s name.</summary>
    public static SocketsHttpHandler CreateClientHandler(X509Certificate2 authority, ServiceRole server) =>
        CreateHandler(authority, server, clientCertificate: null);

    private static SocketsHttpHandler CreateHandler(X509Certificate2 authority, ServiceRole server, X509Certificate2? clientCertificate)
    {
        ArgumentNullException.ThrowIfNull(authority);
        var ssl = new SslClientAuthenticationOptions
        {
            EnabledSslProtocols = SslProtocols.Tls13,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is X509Certificate2 presented &&
                CertificateValidation.IsIssuedBy(presented, authority) &&
                CertificateValidation.RoleOf(presented) == server,
        };
        if (clientCertificate is not null)
        {
            ssl.ClientCertificates = [clientCertificate];
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }
        return new SocketsHttpHandler
        {
            SslOptions = ssl,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
        };
    }
}
