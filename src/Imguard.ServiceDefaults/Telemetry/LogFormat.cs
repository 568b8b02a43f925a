namespace Imguard.ServiceDefaults.Telemetry;

/// <summary>How a service writes its console log: one readable line per entry (the default), or one JSON object per line.</summary>
public enum LogFormat
{
    Text,
    Json,
}
