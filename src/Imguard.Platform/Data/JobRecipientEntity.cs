namespace Imguard.Platform.Data;

/// <summary>Row of <c>job_recipients</c>: a user who receives the job's model, with the signing key they had registered when the job was created.</summary>
internal sealed class JobRecipientEntity
{
    public string JobId { get; set; } = "";

    public int Position { get; set; }

    public Guid UserId { get; set; }

    public string UserName { get; set; } = "";

    public byte[] Key { get; set; } = [];
}
