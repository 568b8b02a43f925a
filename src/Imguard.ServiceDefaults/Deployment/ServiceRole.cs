namespace Imguard.ServiceDefaults.Deployment;

/// <summary>The four kinds of server process in an IMGuard deployment; each has its own certificate.</summary>
public enum ServiceRole
{
    Platform,
    Party0,
    Party1,
    Audit,
}
