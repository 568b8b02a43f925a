namespace Imguard.ServiceDefaults.Hosting;

/// <summary>What <c>GET /health</c> answers: which role this is and that it is serving.</summary>
public sealed record HealthReply(string Role, string Status);
