namespace Imguard.ServiceDefaults.Deployment;

/// <summary>
/// The kinds of server process in an IMGuard deployment; each has its own certificate. The dealer runs inside the
/// platform unless the deployment settings give it its own address (<see cref="DeploymentSettings.Dealer"/>).
/// </summary>
public enum ServiceRole
{
    Platform,
    Party0,
    Party1,
    Audit,
    Dealer,
}
