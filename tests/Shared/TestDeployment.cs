using System.Net;
using System.Net.Sockets;
using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;

namespace Imguard.Testing;

/// <summary>
/// A throw-away deployment for tests: a data directory in the temp folder with settings on free loopback ports and
/// a fresh CA with every role's certificate. Deleted on dispose.
/// </summary>
internal sealed class TestDeployment : IDisposable
{
    private TestDeployment(DataDirectory directory, DeploymentSettings settings)
    {
        Directory = directory;
        Settings = settings;
    }

    public DataDirectory Directory { get; }

    public DeploymentSettings Settings { get; }

    public static TestDeployment Create(Func<DeploymentSettings, DeploymentSettings>? adjust = null)
    {
        string root = Path.Combine(Path.GetTempPath(), "imguard-test-" + Guid.NewGuid().ToString("N"));
        var directory = new DataDirectory(root);
        DeploymentSettings settings = DeploymentSettings.Loopback(FreeBasePort());
        if (adjust is not null)
        {
            settings = adjust(settings);
        }
        DeploymentPki.Create(directory, settings);
        settings.Save(directory.SettingsPath);
        return new TestDeployment(directory, settings);
    }

    public ServiceIdentity Identity(ServiceRole role) => ServiceIdentity.Load(Directory, role);

    /// <summary>
    /// A base port with the five ports from it free on 127.0.0.1 right now, outside the kernel's ephemeral range: a port
    /// inside it can be handed to some client's outgoing connection between this check and the server's bind (the
    /// "address already in use" a busy machine showed now and then).
    /// </summary>
    public static int FreeBasePort()
    {
        var (low, high) = PortRange();
        for (int attempt = 0; attempt < 200; attempt++)
        {
            int basePort = Random.Shared.Next(low, high - 5);
            if (Enumerable.Range(basePort, 5).All(IsFree))
            {
                return basePort;
            }
        }
        throw new InvalidOperationException("No five consecutive free ports found on 127.0.0.1.");
    }

    /// <summary>Where to look for listening ports: below the ephemeral range when there is room, else above it, else 20000–60000.</summary>
    internal static (int Low, int High) PortRange()
    {
        const string ephemeral = "/proc/sys/net/ipv4/ip_local_port_range";
        try
        {
            var bounds = File.ReadAllText(ephemeral).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToArray();
            if (bounds is [int first, int last])
            {
                if (first - 10_000 >= 1_000)
                {
                    return (10_000, first);
                }
                if (65_535 - last >= 2_000)
                {
                    return (last + 1, 65_535);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or OverflowException)
        {
        }
        return (20_000, 60_000);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory.Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
