using Imguard.ServiceDefaults.Deployment;
using Imguard.ServiceDefaults.Pki;
using Imguard.ServiceDefaults.Telemetry;

namespace Imguard.ServiceDefaults.Hosting;

/// <summary>One running service: its role, data directory, the deployment's settings and its TLS identity.</summary>
public sealed class ServiceContext : IDisposable
{
    public ServiceContext(ServiceRole role, DataDirectory directory, DeploymentSettings settings, ServiceIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(identity);
        Role = role;
        Directory = directory;
        Settings = settings;
        Identity = identity;
    }

    public ServiceRole Role { get; }

    public DataDirectory Directory { get; }

    public DeploymentSettings Settings { get; }

    public ServiceIdentity Identity { get; }

    /// <summary>This host's telemetry options for the role (metrics endpoint, log format, OTLP export); none by default.</summary>
    public TelemetryOptions Telemetry { get; init; } = TelemetryOptions.None;

    /// <summary>Where this role keeps its files.</summary>
    public string RoleDirectory => Directory.RoleDirectory(Role);

    /// <summary>Loads settings and identity of <paramref name="role"/> from a data directory made by <c>imguard init</c>.</summary>
    /// <param name="overrides">This host's options and environment for the role (listen address, database); none when null.</param>
    public static ServiceContext Load(string dataDirectory, ServiceRole role, RoleOverrides? overrides = null)
    {
        var directory = new DataDirectory(dataDirectory);
        DeploymentSettings settings = DeploymentSettings.Load(directory.SettingsPath);
        if (overrides is not null)
        {
            settings = overrides.ApplyTo(settings, role);
        }
        return new ServiceContext(role, directory, settings, ServiceIdentity.Load(directory, role))
        {
            Telemetry = overrides?.Telemetry ?? TelemetryOptions.None,
        };
    }

    public void Dispose() => Identity.Dispose();
}
