namespace Imguard.Platform.Jobs;

/// <summary>A recipient of a job's model and the signing key named for them in the job's terms.</summary>
public sealed record JobRecipientInfo(Guid UserId, string UserName, byte[] Key);
